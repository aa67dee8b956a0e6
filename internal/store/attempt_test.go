package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

func trainee(t *testing.T, db *DB, name string) model.User {
	t.Helper()
	ctx := context.Background()
	var u model.User
	err := db.WithTx(ctx, func(tx *Tx) error {
		unit, err := db.UnitByCode(ctx, "QT")
		if errors.Is(err, ErrNotFound) {
			unit = model.Unit{Code: "QT", Name: "Quản trị", Kind: model.KindOther}
			if err := tx.CreateUnit(ctx, &unit); err != nil {
				return err
			}
		}
		u = model.User{Username: name, FullName: name, Role: model.RoleTrainee, UnitID: unit.ID, PasswordHash: "h"}
		return tx.CreateUser(ctx, &u)
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAttemptLifecycle(t *testing.T) { engines(t, testAttemptLifecycle) }

func testAttemptLifecycle(t *testing.T, db *DB) {
	ctx := context.Background()
	u := trainee(t, db, "an")
	now := time.UnixMilli(1_800_000_000_000)
	a := model.Attempt{UserID: u.ID, CourseID: "c", Kind: model.AttemptExam, Seed: 1<<63 + 5, Questions: []string{"q1", "q2"},
		StartedAt: now, DeadlineAt: now.Add(time.Minute)}
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.CreateAttempt(ctx, &a) }); err != nil {
		t.Fatal(err)
	}
	// A second open exam attempt for the same course is refused by the index.
	b := a
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.CreateAttempt(ctx, &b) }); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second open attempt: %v", err)
	}
	got, err := db.OpenAttempt(ctx, u.ID, "c", model.AttemptExam, "")
	if err != nil || got.ID != a.ID || got.Seed != a.Seed || len(got.Questions) != 2 || !got.DeadlineAt.Equal(a.DeadlineAt) {
		t.Fatalf("open attempt = %+v, %v", got, err)
	}
	save := func(q, ans string, at time.Time) error {
		return db.WithTx(ctx, func(tx *Tx) error { return tx.SaveAnswer(ctx, a.ID, q, ans, at, nil) })
	}
	if err := save("q1", `{"choice":"a"}`, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := save("q1", `{"choice":"b"}`, now.Add(2*time.Second)); err != nil { // replaces, idempotent
		t.Fatal(err)
	}
	if err := save("q2", `{"value":true}`, now.Add(2*time.Minute)); !errors.Is(err, ErrClosed) {
		t.Fatalf("answer after the deadline: %v", err)
	}
	ans, _ := db.Answers(ctx, a.ID)
	if len(ans) != 1 || ans[0].Answer != `{"choice":"b"}` || ans[0].Graded {
		t.Fatalf("answers = %+v", ans)
	}
	if ids, _ := db.ExpiredAttempts(ctx, now.Add(2*time.Minute)); len(ids) != 1 || ids[0] != a.ID {
		t.Fatalf("expired = %v", ids)
	}
	a.SubmittedAt, a.Score, a.MaxScore, a.Passed = now.Add(30*time.Second), 1, 2, false
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.SubmitAttempt(ctx, a, map[string]float64{"q1": 1}) }); err != nil {
		t.Fatal(err)
	}
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.SubmitAttempt(ctx, a, nil) }); !errors.Is(err, ErrClosed) {
		t.Fatalf("second submit: %v", err)
	}
	if err := save("q2", `{"value":true}`, now.Add(40*time.Second)); !errors.Is(err, ErrClosed) {
		t.Fatalf("answer after submission: %v", err)
	}
	ans, _ = db.Answers(ctx, a.ID)
	if !ans[0].Graded || ans[0].Score != 1 {
		t.Fatalf("graded answers = %+v", ans)
	}
	// After submission a new attempt may open.
	c := model.Attempt{UserID: u.ID, CourseID: "c", Kind: model.AttemptExam, Questions: []string{"q1"}, StartedAt: now}
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.CreateAttempt(ctx, &c) }); err != nil {
		t.Fatal(err)
	}
	all, _ := db.Attempts(ctx, u.ID, "c", model.AttemptExam)
	if len(all) != 2 || all[0].Open() || !all[1].Open() || all[0].Percent() != 50 {
		t.Fatalf("attempts = %+v", all)
	}
}

func TestBatcherGroupsWritesAndIsolatesFailures(t *testing.T) {
	engines(t, testBatcherGroupsWritesAndIsolatesFailures)
}

func testBatcherGroupsWritesAndIsolatesFailures(t *testing.T, db *DB) {
	ctx := context.Background()
	u := trainee(t, db, "an")
	a := model.Attempt{UserID: u.ID, CourseID: "c", Kind: model.AttemptExam, Questions: []string{"q"}, StartedAt: time.Now()}
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.CreateAttempt(ctx, &a) }); err != nil {
		t.Fatal(err)
	}
	b := NewBatcher(db, 64, 5*time.Millisecond)
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := a.ID
			if i%10 == 0 {
				id = 999999 // no such attempt: refused, without failing the others
			}
			errs[i] = b.Do(ctx, func(tx *Tx) error {
				return tx.SaveAnswer(ctx, id, fmt.Sprintf("q%03d", i), `{}`, time.Now(), nil)
			})
		}(i)
	}
	wg.Wait()
	b.Close()
	if batches, writes := b.Stats(); writes != 200 || batches >= writes/2 {
		t.Errorf("%d writes in %d commits: not grouped", writes, batches)
	} else {
		t.Logf("%d writes in %d commits", writes, batches)
	}
	for i, err := range errs {
		if (i%10 == 0) != errors.Is(err, ErrClosed) {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	ans, _ := db.Answers(ctx, a.ID)
	if len(ans) != 180 {
		t.Fatalf("stored %d answers, want 180", len(ans))
	}
	if err := b.Do(ctx, func(tx *Tx) error { return nil }); !errors.Is(err, ErrBatcherClosed) {
		t.Fatalf("after close: %v", err)
	}
}

// A single-statement write runs without a savepoint of its own: when it
// fails half-way (its first row in, its second refused), SQLite undoes
// the whole statement and the writes before and after it in the same
// commit stand.
func TestBatcherSingleStatementFailureIsUndone(t *testing.T) {
	engines(t, testBatcherSingleStatementFailureIsUndone)
}

func testBatcherSingleStatementFailureIsUndone(t *testing.T, db *DB) {
	ctx := context.Background()
	b := NewBatcher(db, 64, time.Millisecond)
	defer b.Close()
	const cols = `INSERT INTO units (code, name, kind, parent_id, created_at, updated_at) VALUES `
	op := func(values string) batchOp {
		return batchOp{ctx: ctx, one: true, errc: make(chan error, 1), fn: func(tx *Tx) error {
			_, err := tx.tx.ExecContext(ctx, cols+values)
			return err
		}}
	}
	batch := []batchOp{
		op(`('A', 'Đơn vị A', 'don_vi', NULL, 0, 0)`),
		op(`('X', 'Đơn vị X', 'don_vi', NULL, 0, 0), ('A', 'trùng mã', 'don_vi', NULL, 0, 0)`),
		op(`('B', 'Đơn vị B', 'don_vi', NULL, 0, 0)`),
	}
	b.commit(batch) // the three in one commit, in this order
	for i, o := range batch {
		if err := <-o.errc; (err != nil) != (i == 1) {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	var codes []string
	rows, err := db.read.QueryContext(ctx, `SELECT code FROM units WHERE code IN ('A', 'B', 'X') ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c)
	}
	if fmt.Sprint(codes) != "[A B]" {
		t.Fatalf("units after the batch: %v, want [A B] (X undone with its statement)", codes)
	}
}
