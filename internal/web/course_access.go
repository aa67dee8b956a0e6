package web

import (
	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
)

// visible reports whether the current user may see co: courses for
// trainers are hidden from trainees.
func visible(c *gin.Context, co *course.Course) bool {
	if co == nil {
		return false
	}
	u, _ := currentUser(c)
	return !co.ForTrainers || u.Role != model.RoleTrainee
}

// course returns the course named in the path, if the user may see it.
func (h *handler) course(c *gin.Context) *course.Course {
	if co := h.cat.Course(c.Param("course")); visible(c, co) {
		return co
	}
	return nil
}

// module returns the module named in the path, if the user may see its course.
func (h *handler) module(c *gin.Context) *course.Module {
	if m := h.cat.Module(c.Param("course"), c.Param("module")); m != nil && visible(c, m.Course) {
		return m
	}
	return nil
}
