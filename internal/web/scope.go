package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

const scopeKey = "scope"

// loadScope works out, once per request, the part of the unit tree the
// user sees and acts on; every handler under /manage reads it.
func (h *handler) loadScope(c *gin.Context) {
	u, _ := currentUser(c)
	sc, err := h.auth.Scope(c.Request.Context(), u)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	c.Set(scopeKey, sc)
	c.Next()
}

// scopeOf is the scope loadScope set; outside /manage (where it is not
// loaded) it is worked out here.
func (h *handler) scopeOf(c *gin.Context) (model.Scope, error) {
	if v, ok := c.Get(scopeKey); ok {
		return v.(model.Scope), nil
	}
	u, _ := currentUser(c)
	sc, err := h.auth.Scope(c.Request.Context(), u)
	if err == nil {
		c.Set(scopeKey, sc)
	}
	return sc, err
}

// userInScope says whether the account id belongs to a unit in the scope.
func (h *handler) userInScope(ctx context.Context, sc model.Scope, id int64) (bool, error) {
	if sc.All {
		return true, nil
	}
	u, err := h.auth.User(ctx, id)
	if err != nil {
		return false, err
	}
	return sc.Has(u.UnitID), nil
}

// scopedTree is the unit tree cut to the scope, for the unit pickers.
func (h *handler) scopedTree(ctx context.Context, sc model.Scope) ([]auth.UnitNode, error) {
	tree, err := h.auth.UnitTree(ctx)
	if err != nil || sc.All {
		return tree, err
	}
	out := tree[:0:0]
	for _, n := range tree {
		if sc.Has(n.ID) {
			out = append(out, n)
		}
	}
	return out, nil
}

// managedSession loads the live session named in the path for the
// management pages: a session outside the user's scope is not found, so
// that a trainer of one province cannot even learn of another's.
func (h *handler) managedSession(c *gin.Context) (model.LiveSession, bool) {
	id, ok := h.pathID(c)
	if !ok {
		return model.LiveSession{}, false
	}
	ctx := c.Request.Context()
	sess, err := h.lives.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return sess, false
	}
	var visible bool
	var sc model.Scope
	if err == nil {
		sc, err = h.scopeOf(c)
	}
	if err == nil {
		u, _ := currentUser(c)
		visible, err = h.lives.Visible(ctx, sess, u, sc)
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return sess, false
	}
	if !visible {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return sess, false
	}
	return sess, true
}

// visibleSessions keeps the sessions of list that u may manage.
func (h *handler) visibleSessions(c *gin.Context, list []model.LiveSession) ([]model.LiveSession, error) {
	u, _ := currentUser(c)
	if u.Role == model.RoleTrainee {
		return list, nil
	}
	sc, err := h.scopeOf(c)
	if err != nil {
		return nil, err
	}
	out := list[:0:0]
	for _, s := range list {
		ok, err := h.lives.Visible(c.Request.Context(), s, u, sc)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}
