package store

import (
	"context"
	"fmt"

	"github.com/tdkt/tdkt/internal/model"
)

// CreateGroup stores a named group with its members and sets its ID.
func (tx *Tx) CreateGroup(ctx context.Context, g *model.Group) error {
	err := tx.row(ctx, `INSERT INTO officer_groups (name, owner_id, created_at) VALUES (?, ?, ?) RETURNING id`, g.Name, g.OwnerID, ms(g.CreatedAt)).Scan(&g.ID)
	if err != nil {
		return fmt.Errorf("store: create group: %w", mapErr(err))
	}
	for _, u := range g.Members {
		if _, err := tx.exec(ctx, `INSERT INTO group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, g.ID, u); err != nil {
			return fmt.Errorf("store: add member %d: %w", u, mapErr(err))
		}
	}
	return nil
}

// DeleteGroup removes a group, its members and the enrolments made for it
// (the officers' progress stays).
func (tx *Tx) DeleteGroup(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, `DELETE FROM officer_groups WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete group %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: group %d: %w", id, ErrNotFound)
	}
	return nil
}

// Groups returns the groups of one owner (0: everyone's), with members.
func (db *DB) Groups(ctx context.Context, ownerID int64) ([]model.Group, error) {
	rows, err := db.readRows(ctx, `SELECT id, name, owner_id, created_at FROM officer_groups WHERE ? = 0 OR owner_id = ? ORDER BY name, id`, ownerID, ownerID)
	if err != nil {
		return nil, fmt.Errorf("store: groups: %w", err)
	}
	var out []model.Group
	for rows.Next() {
		var g model.Group
		var at int64
		if err := rows.Scan(&g.ID, &g.Name, &g.OwnerID, &at); err != nil {
			rows.Close()
			return nil, err
		}
		g.CreatedAt = fromMS(at)
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Members, err = db.GroupMembers(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Group returns one group with its members.
func (db *DB) Group(ctx context.Context, id int64) (model.Group, error) {
	var g model.Group
	var at int64
	err := db.readRow(ctx, `SELECT id, name, owner_id, created_at FROM officer_groups WHERE id = ?`, id).Scan(&g.ID, &g.Name, &g.OwnerID, &at)
	if err != nil {
		return g, fmt.Errorf("store: group %d: %w", id, mapErr(err))
	}
	g.CreatedAt = fromMS(at)
	g.Members, err = db.GroupMembers(ctx, id)
	return g, err
}

// GroupMembers returns the ids of a group's members.
func (db *DB) GroupMembers(ctx context.Context, id int64) ([]int64, error) {
	ids, err := db.queryIDs(ctx, `SELECT user_id FROM group_members WHERE group_id = ? ORDER BY user_id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: members of group %d: %w", id, err)
	}
	return ids, nil
}
