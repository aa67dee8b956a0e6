-- Questions to the trainer, their up-votes, and the room's chat. The room
-- numbers questions itself (seq) so that a storm of questions needs no
-- round trip to the database before it is shown.
CREATE TABLE live_questions (
	session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
	seq        INTEGER NOT NULL,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	body       TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('pending', 'open', 'answered', 'hidden')),
	at         INTEGER NOT NULL,
	PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
CREATE TABLE live_question_votes (
	session_id INTEGER NOT NULL,
	seq        INTEGER NOT NULL,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	PRIMARY KEY (session_id, seq, user_id),
	FOREIGN KEY (session_id, seq) REFERENCES live_questions(session_id, seq) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE live_chat (
	id         INTEGER PRIMARY KEY,
	session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	body       TEXT NOT NULL,
	at         INTEGER NOT NULL
);
CREATE INDEX live_chat_session ON live_chat(session_id, id);
