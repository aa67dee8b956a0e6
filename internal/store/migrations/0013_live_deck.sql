-- A live session may show one of its course's slide decks
-- (content/<course>/slides/<deck>.md) instead of its modules' sections.
ALTER TABLE live_sessions ADD COLUMN deck TEXT NOT NULL DEFAULT '';
