package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/viet"
)

// Roster kinds: a file of officers' accounts, or of units.
const (
	RosterUsers = "users"
	RosterUnits = "units"
)

// RosterColumn is a column a roster file may have. Headings are matched
// without case or diacritics, in Vietnamese or English.
type RosterColumn struct {
	Key      string
	VI, EN   string
	Required bool
	Aliases  []string // folded (viet.Fold) headings that also mean this column
	Example  string
}

// RosterColumns are the columns of each kind of roster, in template order.
var RosterColumns = map[string][]RosterColumn{
	RosterUsers: {
		{Key: "full_name", VI: "Họ và tên", EN: "Full name", Required: true, Aliases: []string{"ho ten", "ho va ten", "full name", "full_name", "name", "ten"}, Example: "Trần Văn Bình"},
		{Key: "unit", VI: "Mã đơn vị", EN: "Unit code", Required: true, Aliases: []string{"ma don vi", "don vi", "unit code", "unit", "unit_code"}, Example: "07441"},
		{Key: "username", VI: "Tên đăng nhập", EN: "Username", Aliases: []string{"ten dang nhap", "username", "login", "tai khoan"}, Example: "tvbinh"},
		{Key: "phone", VI: "Số điện thoại", EN: "Phone", Aliases: []string{"so dien thoai", "dien thoai", "sdt", "phone", "mobile"}, Example: "0912345678"},
		{Key: "email", VI: "Thư điện tử", EN: "Email", Aliases: []string{"thu dien tu", "email", "e-mail", "mail"}, Example: "tvbinh@tamda.gov.vn"},
	},
	RosterUnits: {
		{Key: "code", VI: "Mã đơn vị", EN: "Unit code", Required: true, Aliases: []string{"ma don vi", "ma", "code", "unit code"}, Example: "07441"},
		{Key: "name", VI: "Tên đơn vị", EN: "Unit name", Required: true, Aliases: []string{"ten don vi", "ten", "name", "unit name"}, Example: "Xã Tam Đa"},
		{Key: "kind", VI: "Loại đơn vị", EN: "Kind", Required: true, Aliases: []string{"loai don vi", "loai", "kind", "type"}, Example: "xa"},
		{Key: "parent", VI: "Mã đơn vị cấp trên", EN: "Parent unit code", Aliases: []string{"ma don vi cap tren", "don vi cap tren", "cap tren", "parent", "parent code"}, Example: "24"},
	},
}

// unitKindNames maps what people write in a "kind" column (folded) to a kind.
var unitKindNames = map[string]model.UnitKind{
	"tinh": model.KindProvince, "thanh pho": model.KindCity, "thanh pho truc thuoc trung uong": model.KindCity,
	"xa": model.KindCommune, "phuong": model.KindWard, "dac khu": model.KindSpecialZone,
	"so": model.KindAgency, "so nganh": model.KindAgency, "so, ban, nganh": model.KindAgency, "so ban nganh": model.KindAgency,
	"bo": model.KindMinistry, "bo nganh": model.KindMinistry, "bo, nganh": model.KindMinistry,
	"don vi": model.KindOther, "co quan": model.KindOther, "khac": model.KindOther,
}

// RosterLine is a line of an uploaded table and its number in the file.
type RosterLine struct {
	N     int
	Cells []string
}

// RosterProblem is one thing wrong with a roster: its line (0 for the file
// as a whole) and the column, as the file heads it.
type RosterProblem struct {
	Line   int
	Column string
	Msg    model.Text
}

// RosterRow is a line that would become an account or a unit.
type RosterRow struct {
	Line      int
	User      model.User
	UnitCode  string
	UnitName  string
	Unit      model.Unit // for a units roster
	Parent    string     // parent code, for a units roster
	Generated bool       // the username was made from the name
	Problems  []RosterProblem
}

// OK says whether the row can be imported.
func (r RosterRow) OK() bool { return len(r.Problems) == 0 }

// Roster is a checked roster file: every line validated, nothing written.
type Roster struct {
	Kind     string
	Columns  []RosterColumn // recognised, in the file's order
	Ignored  []string       // headings not recognised
	Problems []RosterProblem
	Rows     []RosterRow
	Valid    int
	Invalid  int
}

// AllProblems lists every problem, the file's first, then by line.
func (r Roster) AllProblems() []RosterProblem {
	out := append([]RosterProblem(nil), r.Problems...)
	for _, row := range r.Rows {
		out = append(out, row.Problems...)
	}
	return out
}

// ErrRosterInvalid: the file has problems and only a whole valid file may
// be imported (unless the user chooses to import the valid rows).
var ErrRosterInvalid = errors.New("auth: the roster has problems; nothing was imported")

// ErrRosterEmpty: no row can be imported.
var ErrRosterEmpty = errors.New("auth: the roster has no row that can be imported")

func rosterProblem(line int, col, vi, en string) RosterProblem {
	return RosterProblem{Line: line, Column: col, Msg: model.Text{VI: vi, EN: en}}
}

// CheckRoster validates a roster of the given kind: its heading line, then
// every row, against the database and the scope of the person loading it
// (a trainer loads only into the units in their charge). Names are
// normalised to NFC; usernames left empty are made from the name.
func (s *Service) CheckRoster(ctx context.Context, kind string, lines []RosterLine, sc model.Scope) (Roster, error) {
	cols, ok := RosterColumns[kind]
	r := Roster{Kind: kind}
	if !ok {
		return r, fmt.Errorf("auth: no roster kind %q", kind)
	}
	if len(lines) == 0 {
		r.Problems = append(r.Problems, rosterProblem(0, "", "Tệp không có dòng nào.", "The file has no lines."))
		return r, nil
	}
	// The heading line: which column is which.
	at := map[string]int{}
	head := lines[0]
	for i, h := range head.Cells {
		f := strings.Join(strings.Fields(viet.Fold(h)), " ")
		matched := false
		for _, c := range cols {
			if f == viet.Fold(c.VI) || f == strings.ToLower(c.EN) || contains(c.Aliases, f) {
				if _, dup := at[c.Key]; dup {
					r.Problems = append(r.Problems, rosterProblem(head.N, h, "Cột này bị lặp lại.", "This column appears twice."))
				} else {
					at[c.Key] = i
					r.Columns = append(r.Columns, c)
				}
				matched = true
				break
			}
		}
		if !matched && strings.TrimSpace(h) != "" {
			r.Ignored = append(r.Ignored, h)
		}
	}
	for _, c := range cols {
		if _, ok := at[c.Key]; c.Required && !ok {
			r.Problems = append(r.Problems, rosterProblem(head.N, c.VI,
				fmt.Sprintf("Thiếu cột bắt buộc “%s”. Dòng đầu tiên của tệp phải là tiêu đề các cột; tải tệp mẫu để xem.", c.VI),
				fmt.Sprintf("The required column %q is missing. The first line must head the columns; download the template to see them.", c.EN)))
		}
	}
	if len(r.Problems) > 0 {
		return r, nil
	}
	cell := func(l RosterLine, key string) string {
		if i, ok := at[key]; ok && i < len(l.Cells) {
			return strings.TrimSpace(l.Cells[i])
		}
		return ""
	}
	heading := func(key string) string {
		if i, ok := at[key]; ok {
			return strings.TrimSpace(head.Cells[i])
		}
		return key
	}
	units, err := s.db.Units(ctx)
	if err != nil {
		return r, fmt.Errorf("auth: check roster: %w", err)
	}
	byCode := map[string]model.Unit{}
	for _, u := range units {
		byCode[u.Code] = u
	}
	if kind == RosterUsers {
		err = s.checkUserRows(ctx, &r, lines[1:], cell, heading, byCode, sc)
	} else {
		checkUnitRows(&r, lines[1:], cell, heading, byCode, sc)
	}
	if err != nil {
		return r, err
	}
	for _, row := range r.Rows {
		if row.OK() {
			r.Valid++
		} else {
			r.Invalid++
		}
	}
	return r, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Service) checkUserRows(ctx context.Context, r *Roster, lines []RosterLine, cell func(RosterLine, string) string,
	heading func(string) string, byCode map[string]model.Unit, sc model.Scope) error {
	taken, err := s.db.Usernames(ctx)
	if err != nil {
		return fmt.Errorf("auth: check roster: %w", err)
	}
	inFile := map[string]int{} // username → line
	for _, l := range lines {
		row := RosterRow{Line: l.N}
		bad := func(key, vi, en string) {
			row.Problems = append(row.Problems, RosterProblem{Line: l.N, Column: heading(key), Msg: model.Text{VI: vi, EN: en}})
		}
		c := &checker{}
		row.User = model.User{Role: model.RoleTrainee, MustChangePassword: true, FullName: cleanText(cell(l, "full_name")),
			Username: strings.ToLower(cell(l, "username"))}
		c.personName("full_name", row.User.FullName)
		if m, ok := c.errs.For("full_name"); ok {
			bad("full_name", m.VI, m.EN)
		}
		row.UnitCode = cell(l, "unit")
		switch u, ok := byCode[row.UnitCode]; {
		case row.UnitCode == "":
			bad("unit", "Chưa có mã đơn vị.", "The unit code is missing.")
		case !ok:
			bad("unit", fmt.Sprintf("Không có đơn vị mã %q.", row.UnitCode), fmt.Sprintf("No unit has code %q.", row.UnitCode))
		case !sc.Has(u.ID):
			bad("unit", fmt.Sprintf("Đơn vị %s không thuộc phạm vi bạn phụ trách.", u.Name), fmt.Sprintf("The unit %s is not in your charge.", u.Name))
		default:
			row.User.UnitID, row.UnitName = u.ID, u.Name
		}
		if row.User.Username != "" {
			c.username(row.User.Username)
			if m, ok := c.errs.For("username"); ok {
				bad("username", m.VI, m.EN)
			} else if prev, dup := inFile[row.User.Username]; dup {
				bad("username", fmt.Sprintf("Tên đăng nhập %q trùng với dòng %d.", row.User.Username, prev),
					fmt.Sprintf("The username %q repeats line %d.", row.User.Username, prev))
			} else if taken[row.User.Username] {
				bad("username", fmt.Sprintf("Tên đăng nhập %q đã có người dùng.", row.User.Username),
					fmt.Sprintf("The username %q is already taken.", row.User.Username))
			} else {
				inFile[row.User.Username] = l.N
			}
		}
		if p := cell(l, "phone"); p != "" {
			if n, ok := normalPhone(p); ok {
				row.User.Phone = n
			} else {
				bad("phone", fmt.Sprintf("Số điện thoại %q không đúng: 10 chữ số bắt đầu bằng 0 (hoặc +84).", p),
					fmt.Sprintf("The phone number %q is not valid: 10 digits starting with 0 (or +84).", p))
			}
		}
		if e := cell(l, "email"); e != "" {
			if a, err := mail.ParseAddress(e); err != nil || a.Address != e || !strings.Contains(e[strings.LastIndex(e, "@")+1:], ".") {
				bad("email", fmt.Sprintf("Địa chỉ thư %q không đúng.", e), fmt.Sprintf("The email address %q is not valid.", e))
			} else {
				row.User.Email = strings.ToLower(e)
			}
		}
		r.Rows = append(r.Rows, row)
	}
	// Usernames left empty are made from the name once every given one is
	// known, so a made one never takes a name the file asks for.
	for i := range r.Rows {
		row := &r.Rows[i]
		if row.User.Username != "" || row.User.FullName == "" {
			continue
		}
		base := usernameFrom(row.User.FullName)
		name := base
		for n := 2; taken[name] || inFile[name] != 0; n++ {
			name = fmt.Sprintf("%s%d", base, n)
		}
		row.User.Username, row.Generated = name, true
		inFile[name] = row.Line
	}
	return nil
}

// usernameFrom makes a username from a Vietnamese name: the given name in
// full after the initials of the others, without marks ("Trần Văn Bình"
// gives "tvbinh"), as officers' e-mail names usually are.
func usernameFrom(full string) string {
	words := strings.Fields(viet.Fold(full))
	var b strings.Builder
	for i, w := range words {
		for j, r := range w {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				continue
			}
			if i < len(words)-1 && j > 0 {
				break // initials only, but the given name whole
			}
			b.WriteRune(r)
		}
	}
	s := b.String()
	for len(s) < UsernameMin {
		s += "x"
	}
	if len(s) > UsernameMax-4 {
		s = s[:UsernameMax-4] // room for a number
	}
	return s
}

// normalPhone accepts a Vietnamese phone number written with spaces, dots,
// dashes or +84 and returns it as 0xxxxxxxxx.
func normalPhone(p string) (string, bool) {
	var digits strings.Builder
	for i, r := range p {
		switch {
		case unicode.IsDigit(r):
			digits.WriteRune(r)
		case r == '+' && i == 0, r == ' ', r == '.', r == '-', r == '(', r == ')':
		default:
			return "", false
		}
	}
	d := digits.String()
	if strings.HasPrefix(p, "+84") || strings.HasPrefix(d, "84") && len(d) == 11 {
		d = "0" + d[2:]
	}
	if len(d) != 10 || d[0] != '0' || d[1] == '0' {
		return "", false
	}
	return d, true
}

func checkUnitRows(r *Roster, lines []RosterLine, cell func(RosterLine, string) string, heading func(string) string,
	byCode map[string]model.Unit, sc model.Scope) {
	inFile := map[string]int{} // code → index in r.Rows
	for _, l := range lines {
		row := RosterRow{Line: l.N}
		bad := func(key, vi, en string) {
			row.Problems = append(row.Problems, RosterProblem{Line: l.N, Column: heading(key), Msg: model.Text{VI: vi, EN: en}})
		}
		c := &checker{}
		u := model.Unit{Code: cell(l, "code"), Name: cleanText(cell(l, "name"))}
		kindText := strings.Join(strings.Fields(viet.Fold(cell(l, "kind"))), " ")
		if k := model.UnitKind(kindText); k.Valid() {
			u.Kind = k
		} else if k, ok := unitKindNames[kindText]; ok {
			u.Kind = k
		} else {
			bad("kind", fmt.Sprintf("Loại đơn vị %q không rõ: tỉnh, thành phố, xã, phường, đặc khu, sở ngành, bộ ngành hoặc đơn vị.", cell(l, "kind")),
				fmt.Sprintf("Unknown unit kind %q: tinh, thanh_pho, xa, phuong, dac_khu, so_nganh, bo_nganh or don_vi.", cell(l, "kind")))
		}
		checkCodeAndName(c, u)
		for _, f := range []string{"code", "name"} {
			if m, ok := c.errs.For(f); ok {
				bad(f, m.VI, m.EN)
			}
		}
		if _, exists := byCode[u.Code]; exists && u.Code != "" {
			bad("code", fmt.Sprintf("Đã có đơn vị mã %q.", u.Code), fmt.Sprintf("A unit with code %q already exists.", u.Code))
		} else if i, dup := inFile[u.Code]; dup && u.Code != "" {
			bad("code", fmt.Sprintf("Mã %q trùng với dòng %d.", u.Code, r.Rows[i].Line), fmt.Sprintf("The code %q repeats line %d.", u.Code, r.Rows[i].Line))
		} else if u.Code != "" {
			inFile[u.Code] = len(r.Rows)
		}
		row.Unit, row.Parent = u, cell(l, "parent")
		r.Rows = append(r.Rows, row)
	}
	// Parents: in the database, or on another line of the file that is
	// itself valid; repeated until nothing changes, as a line may hang
	// from a line below it.
	for changed := true; changed; {
		changed = false
		for i := range r.Rows {
			row := &r.Rows[i]
			if !row.OK() || !row.Unit.Kind.Valid() {
				continue
			}
			var parentKind model.UnitKind
			var parentOK, known bool
			if row.Parent != "" {
				if p, ok := byCode[row.Parent]; ok {
					parentKind, known = p.Kind, true
					parentOK = sc.Has(p.ID)
				} else if j, ok := inFile[row.Parent]; ok && j != i {
					parentKind, known = r.Rows[j].Unit.Kind, true
					parentOK = r.Rows[j].OK()
				}
			}
			var vi, en string
			switch {
			case row.Parent != "" && !known:
				vi, en = fmt.Sprintf("Không có đơn vị cấp trên mã %q.", row.Parent), fmt.Sprintf("No parent unit has code %q.", row.Parent)
			case row.Parent != "" && !parentOK:
				vi, en = fmt.Sprintf("Đơn vị cấp trên %q không thuộc phạm vi bạn phụ trách, hoặc dòng của nó có lỗi.", row.Parent),
					fmt.Sprintf("The parent unit %q is not in your charge, or its line has problems.", row.Parent)
			case row.Parent == "" && !sc.All:
				vi, en = "Bạn chỉ thêm được đơn vị thuộc các đơn vị mình phụ trách: cần mã đơn vị cấp trên.",
					"You can add units only under those in your charge: the parent code is needed."
			case (row.Unit.Kind.ProvinceLevel() || row.Unit.Kind == model.KindMinistry) && row.Parent != "":
				vi, en = "Đơn vị cấp tỉnh và bộ, ngành trung ương không có đơn vị cấp trên.", "Province-level units and central ministries have no parent unit."
			case (row.Unit.Kind.CommuneLevel() || row.Unit.Kind == model.KindAgency) && (row.Parent == "" || !parentKind.ProvinceLevel()):
				vi, en = "Xã, phường, đặc khu và sở, ban, ngành phải thuộc một tỉnh hoặc thành phố (chính quyền địa phương hai cấp).",
					"Communes, wards, special zones and provincial agencies must belong to a province or city (two-level local government)."
			default:
				continue
			}
			row.Problems = append(row.Problems, RosterProblem{Line: row.Line, Column: heading("parent"), Msg: model.Text{VI: vi, EN: en}})
			changed = true
		}
	}
}

// checkCodeAndName applies the unit form's rules on code and name.
func checkCodeAndName(c *checker, u model.Unit) {
	switch {
	case u.Code == "":
		c.add("code", "Chưa có mã đơn vị.", "The unit code is missing.")
	case len(u.Code) > CodeMax:
		c.add("code", "Mã đơn vị dài tối đa 32 ký tự.", "Unit code must be at most 32 characters long.")
	default:
		for _, r := range u.Code {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
				c.add("code", "Mã đơn vị chỉ gồm chữ cái không dấu, chữ số và các dấu . _ -", "Unit code may contain only letters A-Z, digits and . _ -")
				break
			}
		}
	}
	switch n := len([]rune(u.Name)); {
	case u.Name == "":
		c.add("name", "Chưa có tên đơn vị.", "The unit name is missing.")
	case n < 2 || n > UnitNameMax:
		c.add("name", "Tên đơn vị phải dài từ 2 đến 150 ký tự.", "Unit name must be 2 to 150 characters long.")
	case hasControl(u.Name):
		c.add("name", "Tên đơn vị có ký tự không hợp lệ.", "Unit name contains invalid characters.")
	}
}

// Slip is one officer's first login, printed on a slip and cut out.
type Slip struct {
	Username string `json:"u"`
	Password string `json:"p"`
	FullName string `json:"n"`
	Unit     string `json:"d"`
}

// RosterResult is what an import wrote.
type RosterResult struct {
	Created int
	Skipped int
	Slips   []Slip
}

// slipsKeep is how long generated passwords stay printable.
const slipsKeep = 24 * time.Hour

// ImportRoster checks the roster again (the database may have changed
// since the preview) and writes it in one transaction: all of it, or with
// onlyValid the valid rows alone; nothing at all when it cannot. Accounts
// get a generated password each, to change at the first login, kept for the
// login slips for a day. importID names the upload; actor is who imports.
func (s *Service) ImportRoster(ctx context.Context, importID, actor int64, kind string, lines []RosterLine, sc model.Scope, onlyValid bool, now time.Time) (Roster, RosterResult, error) {
	r, err := s.CheckRoster(ctx, kind, lines, sc)
	if err != nil {
		return r, RosterResult{}, err
	}
	if len(r.Problems) > 0 || r.Invalid > 0 && !onlyValid {
		return r, RosterResult{}, ErrRosterInvalid
	}
	if r.Valid == 0 {
		return r, RosterResult{}, ErrRosterEmpty
	}
	res := RosterResult{Skipped: r.Invalid}
	var rows []RosterRow
	for _, row := range r.Rows {
		if row.OK() {
			rows = append(rows, row)
		}
	}
	if kind == RosterUsers {
		// Hash on every core: the light hash is still the slowest step.
		pws := make([]string, len(rows))
		work := make(chan int)
		var wg sync.WaitGroup
		var hashErr error
		var mu sync.Mutex
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range work {
					pws[i] = GeneratePassword()
					h, err := hashGenerated(pws[i])
					if err != nil {
						mu.Lock()
						hashErr = err
						mu.Unlock()
					}
					rows[i].User.PasswordHash = h
				}
			}()
		}
		for i := range rows {
			work <- i
		}
		close(work)
		wg.Wait()
		if hashErr != nil {
			return r, res, hashErr
		}
		for i, row := range rows {
			res.Slips = append(res.Slips, Slip{Username: row.User.Username, Password: pws[i], FullName: row.User.FullName, Unit: row.UnitName})
		}
	}
	slips, _ := json.Marshal(res.Slips)
	if res.Slips == nil {
		slips = nil
	}
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if kind == RosterUsers {
			for i := range rows {
				if err := tx.CreateUser(ctx, &rows[i].User); err != nil {
					return fmt.Errorf("line %d: %w", rows[i].Line, err)
				}
			}
		} else if err := createUnits(ctx, tx, rows); err != nil {
			return err
		}
		res.Created = len(rows)
		if err := tx.FinishRosterImport(ctx, importID, now, res.Created, res.Skipped, string(slips), now.Add(slipsKeep)); err != nil {
			return err
		}
		written := make([]string, len(rows))
		for i, row := range rows {
			written[i] = row.User.Username
			if kind == RosterUnits {
				written[i] = row.Unit.Code
			}
		}
		return tx.Audit(ctx, now, actor, "roster.import", fmt.Sprintf("roster:%d", importID), nil,
			map[string]any{"kind": kind, "created": res.Created, "skipped": res.Skipped, "written": written})
	})
	if err != nil {
		res.Created, res.Slips = 0, nil
		if errors.Is(err, store.ErrDuplicate) {
			return r, res, fmt.Errorf("auth: import roster: %w (a username or code was taken meanwhile, or the file was imported already)", err)
		}
		return r, res, fmt.Errorf("auth: import roster: %w", err)
	}
	return r, res, nil
}

// createUnits writes units parents first: a line may name as parent a unit
// on a later line.
func createUnits(ctx context.Context, tx *store.Tx, rows []RosterRow) error {
	ids := map[string]int64{}
	done := make([]bool, len(rows))
	for left := len(rows); left > 0; {
		progress := false
		for i := range rows {
			if done[i] {
				continue
			}
			u := rows[i].Unit
			if p := rows[i].Parent; p != "" {
				if id, ok := ids[p]; ok {
					u.ParentID = id
				} else if inFile(rows, p) {
					continue // its parent comes first
				} else {
					pu, err := tx.UnitByCode(ctx, p)
					if err != nil {
						return fmt.Errorf("line %d: parent %s: %w", rows[i].Line, p, err)
					}
					u.ParentID = pu.ID
				}
			}
			if err := tx.CreateUnit(ctx, &u); err != nil {
				return fmt.Errorf("line %d: %w", rows[i].Line, err)
			}
			ids[u.Code], done[i], progress = u.ID, true, true
			left--
		}
		if !progress {
			return errors.New("auth: import units: the parents form a loop")
		}
	}
	return nil
}

func inFile(rows []RosterRow, code string) bool {
	for _, r := range rows {
		if r.Unit.Code == code {
			return true
		}
	}
	return false
}

// RosterSlips returns the printable first logins of an import while they
// are kept.
func (s *Service) RosterSlips(imp model.RosterImport, now time.Time) []Slip {
	if imp.Slips == "" || now.After(imp.SlipsUntil) {
		return nil
	}
	var out []Slip
	_ = json.Unmarshal([]byte(imp.Slips), &out)
	return out
}

// SaveRosterUpload keeps an uploaded roster file for its preview and import.
func (s *Service) SaveRosterUpload(ctx context.Context, actorID int64, kind, filename string, content []byte, now time.Time) (int64, error) {
	imp := model.RosterImport{ActorID: actorID, Kind: kind, Filename: filename, Content: content, UploadedAt: now}
	if err := s.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateRosterImport(ctx, &imp) }); err != nil {
		return 0, fmt.Errorf("auth: save roster upload: %w", err)
	}
	return imp.ID, nil
}

// RosterImport returns one upload.
func (s *Service) RosterImport(ctx context.Context, id int64) (model.RosterImport, error) {
	return s.db.RosterImport(ctx, id)
}

// RosterImports lists the latest uploads of actorID (0: everyone's).
func (s *Service) RosterImports(ctx context.Context, actorID int64, limit int) ([]model.RosterImport, error) {
	return s.db.RosterImports(ctx, actorID, limit)
}

// WipeOldSlips forgets the generated passwords whose day has passed.
func (s *Service) WipeOldSlips(ctx context.Context, now time.Time) error {
	return s.db.WithTx(ctx, func(tx *store.Tx) error {
		_, err := tx.WipeSlips(ctx, now)
		return err
	})
}
