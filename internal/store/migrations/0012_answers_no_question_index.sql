-- No query reads answers by question alone (question statistics join them
-- to their attempts by attempt id), yet every saved answer also wrote this
-- index: in an exam storm, a second B-tree page per answer in every group
-- commit.
DROP INDEX IF EXISTS attempt_answers_question;
