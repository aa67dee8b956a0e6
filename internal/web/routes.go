package web

import (
	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/admit"
)

// routes lists every route of the platform.
func (h *handler) routes(r *gin.Engine) {
	// Public.
	r.GET("/healthz", h.showHealth)
	r.GET("/metrics", h.showMetrics)
	r.GET("/static/*path", h.serveStatic)
	r.HEAD("/static/*path", h.serveStatic)
	r.GET("/login", h.showLogin)
	r.POST("/login", h.admit(admit.Login), h.submitLogin)
	r.POST("/lang", h.switchLanguage)
	r.GET("/verify", h.showVerify)
	r.GET("/verify/:code", h.showVerify)

	// Any logged-in user. Heavy work and page views pass the admission gate
	// (h.admit) with the class that says how much their work is worth.
	in := r.Group("/", h.requireLogin)
	in.POST("/logout", h.logout)
	in.GET("/password", h.showPasswordChange)
	in.POST("/password", h.submitPasswordChange)
	in.GET("/", h.admit(admit.Page), h.showCatalog)
	in.GET("/resume", h.resumeReading)
	in.GET("/courses/:course", h.admit(admit.Page), h.showCourse)
	in.GET("/courses/:course/modules/:module", h.admit(admit.Page), h.showModule)
	in.GET("/courses/:course/files/*path", h.showPicture)
	in.POST("/courses/:course/modules/:module/complete", h.completeModule)
	in.GET("/courses/:course/modules/:module/practice", h.admit(admit.Page), h.showPractice)
	in.POST("/courses/:course/modules/:module/practice", h.admit(admit.Page), h.answerPractice)
	in.GET("/courses/:course/exam", h.admit(admit.Page), h.showExam)
	in.POST("/courses/:course/exam/start", h.admit(admit.Start), h.startExam)
	in.GET("/attempts/:id", h.admit(admit.Attempt), h.showAttempt)
	in.POST("/attempts/:id/answers", h.admit(admit.Answer), h.saveAnswers)
	in.POST("/attempts/:id/submit", h.admit(admit.Submit), h.submitAttempt)
	in.GET("/live", h.listLive)
	in.GET("/live/join", h.joinLiveByCode)
	in.GET("/live/:id", h.showLive)
	in.GET("/live/:id/ws", h.joinLive)
	in.GET("/live/:id/replay", h.showReplay)
	in.GET("/live/:id/replay/:take", h.showReplay)
	in.POST("/live/:id/replay/:take", h.updateReplay)
	in.POST("/live/:id/replay/:take/watch", h.watchReplay)
	in.GET("/live/:id/replay/:take/audio.opus", h.showReplayAudio)
	in.GET("/live/:id/checkin", h.showLiveCheckin)
	in.POST("/live/:id/checkin", h.submitLiveCheckin)
	in.GET("/documents", h.listDocuments)
	in.GET("/documents/:slug", h.showDocument)
	in.GET("/courses/:course/certificate", h.showCertificate)
	in.GET("/courses/:course/dossiers", h.listDossiers)
	in.GET("/courses/:course/dossiers/:case", h.showDossier)
	in.POST("/courses/:course/dossiers/:case", h.submitDossier)
	in.GET("/dossiers/:id", h.showDossierResult)
	in.GET("/certificates/:id/pdf", h.downloadCertificate)

	// Certificates: trainers and admins issue; only admins revoke and re-issue.
	// Everything under /manage is cut to the user's scope: a trainer sees and
	// acts on the units in their charge and those below (scope_test.go holds
	// every route here to it).
	manage := r.Group("/manage", h.requireLogin, h.requireRole("admin", "trainer"), h.loadScope)
	manage.GET("/courses/:course/stats", h.showStats)
	manage.GET("/live/new", h.newLive)
	manage.POST("/live", h.createLive)
	manage.GET("/live/:id/attendance", h.showLiveAttendance)
	manage.GET("/live/:id/qr.svg", h.showLiveQR)
	manage.GET("/roster", h.newRoster)
	manage.POST("/roster", h.uploadRoster)
	manage.GET("/roster/template", h.showRosterTemplate)
	manage.GET("/roster/:id", h.showRoster)
	manage.POST("/roster/:id/import", h.importRoster)
	manage.GET("/roster/:id/slips", h.showRosterSlips)
	manage.GET("/enrol", h.listEnrolments)
	manage.POST("/enrol", h.createEnrolment)
	manage.POST("/enrol/:id/delete", h.deleteEnrolment)
	manage.POST("/groups", h.createGroup)
	manage.POST("/groups/:id/delete", h.deleteGroup)
	manage.GET("/progress", h.showProgress)
	manage.GET("/progress/officers", h.showProgressOfficers)
	manage.GET("/officers/:id", h.showOfficer)
	manage.GET("/dossiers", h.listDossierReports)
	manage.POST("/dossiers/:id/comment", h.commentDossier)
	manage.GET("/users", h.listOfficers)
	manage.POST("/users/:id/reset-password", h.resetOfficerPassword)
	manage.GET("/certificates", h.listCertificates)
	manage.POST("/certificates/bulk", h.bulkIssueCertificates)
	manage.GET("/certificates/:id", h.showCertificateRecord)
	manage.POST("/certificates/:id/revoke", h.requireRole("admin"), h.revokeCertificate)
	manage.POST("/certificates/:id/reissue", h.requireRole("admin"), h.reissueCertificate)

	// Administration.
	admin := r.Group("/admin", h.requireLogin, h.requireRole("admin"))
	admin.GET("/units", h.listUnits)
	admin.GET("/units/new", h.newUnit)
	admin.POST("/units", h.createUnit)
	admin.GET("/units/:id/edit", h.editUnit)
	admin.POST("/units/:id", h.updateUnit)
	admin.GET("/users", h.listUsers)
	admin.GET("/users/new", h.newUser)
	admin.POST("/users", h.createUser)
	admin.GET("/users/:id/edit", h.editUser)
	admin.POST("/users/:id", h.updateUser)
	admin.POST("/users/:id/reset-password", h.resetUserPassword)
	admin.GET("/review", h.listReviews)
	admin.GET("/audit", h.listAudit)

	r.NoRoute(h.notFound)
	r.NoMethod(h.methodNotAllowed)
}
