package web

// messages holds every UI string: Vietnamese first, English second. A test
// checks that each key used in templates and handlers is here in both.
var messages = map[string][2]string{
	"app.name":   {"Bồi dưỡng nghiệp vụ thi đua, khen thưởng", "Emulation and commendation training"},
	"app.short":  {"TĐKT", "TĐKT"},
	"app.footer": {"Nền tảng bồi dưỡng cán bộ làm công tác thi đua, khen thưởng", "Training platform for emulation and commendation officers"},

	"nav.courses":  {"Khóa học", "Courses"},
	"nav.users":    {"Người dùng", "Users"},
	"nav.units":    {"Đơn vị", "Units"},
	"nav.password": {"Đổi mật khẩu", "Change password"},
	"nav.logout":   {"Đăng xuất", "Log out"},

	"action.edit": {"Sửa", "Edit"},
	"action.save": {"Lưu", "Save"},

	"field.username":         {"Tên đăng nhập", "Username"},
	"field.password":         {"Mật khẩu", "Password"},
	"field.current_password": {"Mật khẩu hiện tại", "Current password"},
	"field.new_password":     {"Mật khẩu mới (ít nhất 8 ký tự)", "New password (at least 8 characters)"},
	"field.confirm_password": {"Nhập lại mật khẩu mới", "Repeat the new password"},
	"field.full_name":        {"Họ và tên", "Full name"},
	"field.role":             {"Vai trò", "Role"},
	"field.unit":             {"Đơn vị", "Unit"},
	"field.unit_name":        {"Tên đơn vị", "Unit name"},
	"field.code":             {"Mã đơn vị", "Unit code"},
	"field.kind":             {"Loại đơn vị", "Kind of unit"},
	"field.parent":           {"Đơn vị cấp trên", "Parent unit"},

	"login.title":        {"Đăng nhập", "Log in"},
	"login.lead":         {"Dùng tài khoản do Hội đồng Thi đua – Khen thưởng cấp cho bạn.", "Use the account your emulation and commendation council gave you."},
	"login.submit":       {"Đăng nhập", "Log in"},
	"login.missing":      {"Hãy nhập tên đăng nhập và mật khẩu.", "Enter your username and password."},
	"login.invalid":      {"Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password."},
	"login.disabled":     {"Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên.", "This account is disabled. Contact your administrator."},
	"login.locked":       {"Tài khoản tạm khóa do đăng nhập sai nhiều lần. Hãy thử lại sau %d phút.", "Too many failed logins: this account is locked. Try again in %d minutes."},
	"login.ip_throttled": {"Có quá nhiều lần đăng nhập sai từ địa chỉ này. Hãy thử lại sau %d phút.", "Too many failed logins from this address. Try again in %d minutes."},

	"password.title":       {"Đổi mật khẩu", "Change password"},
	"password.lead":        {"Mật khẩu mới có ít nhất 8 ký tự. Các thiết bị khác sẽ phải đăng nhập lại.", "The new password needs at least 8 characters. Other devices will have to log in again."},
	"password.submit":      {"Đổi mật khẩu", "Change password"},
	"password.must_change": {"Bạn cần đặt mật khẩu mới trước khi tiếp tục.", "You must choose a new password before you go on."},
	"password.changed":     {"Đã đổi mật khẩu.", "Your password was changed."},

	"catalog.title":    {"Khóa học", "Courses"},
	"catalog.resume":   {"Học tiếp", "Resume"},
	"catalog.continue": {"Học tiếp", "Continue"},
	"catalog.empty":    {"Chưa có khóa học nào.", "There are no courses yet."},

	"course.meta":  {"%d bài · khoảng %d phút", "%d modules · about %d minutes"},
	"course.start": {"Bắt đầu học", "Start"},

	"progress.label": {"Tiến độ khóa học", "Course progress"},
	"progress.text":  {"Đã học xong %d/%d bài (%d%%)", "%d of %d modules done (%d%%)"},
	"progress.tpl":   {"Đã học xong {done}/{total} bài ({pct}%)", "{done} of {total} modules done ({pct}%)"},

	"module.number":         {"Bài %d", "Module %d"},
	"module.minutes":        {"%d phút", "%d min"},
	"module.reviewed":       {"rà soát ngày", "reviewed"},
	"module.objectives":     {"Mục tiêu bài học", "Learning objectives"},
	"module.toc":            {"Nội dung bài", "Contents"},
	"module.legal":          {"Văn bản căn cứ", "Legal documents cited"},
	"module.mark_done":      {"Đánh dấu đã học xong", "Mark as done"},
	"module.done":           {"Đã học xong", "Done"},
	"module.saved":          {"Đã lưu tiến độ.", "Progress saved."},
	"module.offline":        {"Mất kết nối: tiến độ sẽ được lưu khi có mạng trở lại.", "Offline: progress will be saved when the connection returns."},
	"module.back_to_course": {"Về trang khóa học", "Back to the course"},
	"module.status.done":    {"đã học xong", "done"},
	"module.status.started": {"đang học", "in progress"},
	"module.status.new":     {"chưa học", "not started"},

	"units.title":       {"Đơn vị", "Units"},
	"units.new":         {"Thêm đơn vị", "New unit"},
	"units.edit":        {"Sửa đơn vị", "Edit unit"},
	"units.saved":       {"Đã lưu đơn vị.", "Unit saved."},
	"units.users":       {"Người dùng", "Users"},
	"units.add_child":   {"thêm xã, phường", "add commune"},
	"units.no_parent":   {"(không có)", "(none)"},
	"units.code_hint":   {"Ví dụ mã đơn vị hành chính: 24 (tỉnh), 07441 (xã).", "For example the administrative code: 24 (province), 07441 (commune)."},
	"units.parent_hint": {"Xã, phường, đặc khu và sở, ban, ngành thuộc một tỉnh hoặc thành phố; tỉnh, thành phố và bộ, ngành trung ương không có đơn vị cấp trên.", "Communes, wards, special zones and provincial agencies belong to a province or city; provinces, cities and ministries have no parent."},

	"users.title":         {"Người dùng", "Users"},
	"users.new":           {"Thêm người dùng", "New user"},
	"users.edit":          {"Sửa người dùng", "Edit user"},
	"users.saved":         {"Đã lưu người dùng.", "User saved."},
	"users.disabled":      {"đã khóa", "disabled"},
	"users.disable":       {"Khóa tài khoản này", "Disable this account"},
	"users.username_hint": {"Chữ thường không dấu, chữ số và . _ -", "Lower-case letters a-z, digits and . _ -"},
	"users.password_hint": {"Hệ thống tạo mật khẩu dùng một lần; người dùng phải đổi khi đăng nhập lần đầu.", "A one-time password is generated; the user must change it at first login."},
	"users.password_once": {"Đã lưu. Mật khẩu dùng một lần (chỉ hiển thị lần này, hãy chuyển cho người dùng):", "Saved. One-time password (shown only now; give it to the user):"},
	"users.reset":         {"Cấp lại mật khẩu", "Reset password"},
	"users.reset_hint":    {"Tạo mật khẩu dùng một lần mới và đăng xuất người dùng trên mọi thiết bị.", "Creates a new one-time password and logs the user out everywhere."},

	"users.search":      {"Tìm theo tên hoặc tên đăng nhập", "Search by name or username"},
	"users.search_hint": {"ví dụ: nguyen van an", "e.g. nguyen van an"},
	"users.all_units":   {"Tất cả đơn vị", "All units"},
	"users.all_roles":   {"Tất cả vai trò", "All roles"},
	"users.filter":      {"Lọc", "Filter"},
	"users.count":       {"%d người dùng · trang %d/%d", "%d users · page %d of %d"},
	"users.none":        {"Không có người dùng nào phù hợp.", "No user matches."},
	"pager.prev":        {"Trang trước", "Previous page"},
	"pager.next":        {"Trang sau", "Next page"},

	"role.admin":   {"Quản trị viên", "Administrator"},
	"role.trainer": {"Giảng viên", "Trainer"},
	"role.trainee": {"Học viên", "Trainee"},

	"kind.tinh":      {"Tỉnh", "Province"},
	"kind.thanh_pho": {"Thành phố trực thuộc trung ương", "Centrally governed city"},
	"kind.xa":        {"Xã", "Commune"},
	"kind.phuong":    {"Phường", "Ward"},
	"kind.dac_khu":   {"Đặc khu", "Special zone"},
	"kind.so_nganh":  {"Sở, ban, ngành", "Provincial agency"},
	"kind.bo_nganh":  {"Bộ, ngành trung ương", "Central ministry or agency"},
	"kind.don_vi":    {"Cơ quan, đơn vị khác", "Other body"},

	"error.title":          {"Không thực hiện được", "Something went wrong"},
	"error.home":           {"Về trang chủ", "Go to the home page"},
	"error.notfound":       {"Không tìm thấy trang này.", "This page does not exist."},
	"error.method":         {"Phương thức yêu cầu không được hỗ trợ.", "This request method is not allowed here."},
	"error.forbidden":      {"Bạn không có quyền xem trang này.", "You are not allowed to see this page."},
	"error.login_required": {"Bạn cần đăng nhập.", "You need to log in."},
	"error.internal":       {"Có lỗi ở máy chủ. Hãy thử lại sau.", "The server had a problem. Please try again later."},
	"error.unavailable":    {"Máy chủ tạm thời không phục vụ được. Hãy thử lại sau ít phút.", "The server is temporarily unavailable. Try again in a few minutes."},
	"error.bad_form":       {"Dữ liệu gửi lên không hợp lệ.", "The submitted form data is malformed."},
	"error.too_large":      {"Dữ liệu gửi lên quá lớn.", "The submitted data is too large."},
	"error.crossorigin":    {"Yêu cầu từ trang web khác bị từ chối để bảo vệ tài khoản của bạn.", "A request from another site was refused to protect your account."},
}

// tr returns the message for key in lang; an unknown key shows itself so a
// missing translation is visible rather than blank.
func tr(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == "en" {
		return m[1]
	}
	return m[0]
}
