package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/config"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// printInvalid prints each field error as a line naming the flag.
func printInvalid(stderr io.Writer, cmd string, err error, flagOf map[string]string) bool {
	var verr model.ValidationError
	if !errors.As(err, &verr) {
		return false
	}
	for _, fe := range verr {
		name := flagOf[fe.Field]
		if name == "" {
			name = fe.Field
		}
		fmt.Fprintf(stderr, "tdkt %s: --%s: %s\n", cmd, name, fe.Msg.EN)
	}
	return true
}

func dataFlag(fset *flag.FlagSet) *string {
	cfg := config.Defaults()
	_ = cfg.FromEnv(os.Getenv)
	return fset.String("data", cfg.DataDir, "data folder holding tdkt.db (env TDKT_DATA)")
}

// where says which database a command works on: the SQLite file of a data
// folder, or a PostgreSQL database.
type where struct{ data, database *string }

func storeFlags(fset *flag.FlagSet) where {
	cfg := config.Defaults()
	_ = cfg.FromEnv(os.Getenv)
	return where{data: dataFlag(fset),
		database: fset.String("database", cfg.Database, "postgres:// URL of the PostgreSQL database, instead of tdkt.db in the data folder (env TDKT_DATABASE)")}
}

func (w where) open(ctx context.Context) (*store.DB, error) {
	if *w.database != "" {
		if !store.IsPostgres(*w.database) {
			return nil, fmt.Errorf("--database (env TDKT_DATABASE) must be a postgres:// URL")
		}
		return store.Open(ctx, *w.database)
	}
	return openStore(ctx, *w.data)
}

// readPassword takes the first line of stdin when it is a pipe or a file; on a
// terminal (or empty input) it returns "" so a password is generated instead.
func readPassword(stdin io.Reader) (string, error) {
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return "", nil
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func createUser(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("user create", flag.ContinueOnError)
	fset.SetOutput(stderr)
	username := fset.String("username", "", "login name: a-z, 0-9, . _ -")
	name := fset.String("name", "", "full name, e.g. \"Nguyễn Văn An\"")
	role := fset.String("role", "trainee", "admin, trainer or trainee")
	unit := fset.String("unit", "", "code of the unit the user belongs to")
	data := storeFlags(fset)
	if err := fset.Parse(args); err != nil {
		return 2
	}
	pw, err := readPassword(stdin)
	if err != nil {
		fmt.Fprintln(stderr, "tdkt user create:", err)
		return 1
	}
	generated := pw == ""
	if generated {
		pw = auth.GeneratePassword()
	}
	ctx := context.Background()
	db, err := data.open(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "tdkt user create:", err)
		return 1
	}
	defer db.Close()
	a := auth.New(db, config.Defaults().SessionTTL)
	u, err := a.CreateUser(ctx, auth.UserInput{Username: *username, FullName: *name, Role: *role, UnitCode: *unit, Password: pw}, generated)
	if printInvalid(stderr, "user create", err, map[string]string{"full_name": "name", "password": "password (stdin)"}) {
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "tdkt user create:", err)
		return 1
	}
	fmt.Fprintf(stdout, "created %s %q (%s)\n", u.Role, u.Username, u.FullName)
	if generated {
		fmt.Fprintf(stdout, "one-time password: %s (must be changed at first login)\n", pw)
	}
	return 0
}

func createUnit(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("unit create", flag.ContinueOnError)
	fset.SetOutput(stderr)
	code := fset.String("code", "", "unit code, e.g. the administrative code 24 or 07441")
	name := fset.String("name", "", "unit name, e.g. \"Xã An Phú\"")
	kind := fset.String("kind", "", "tinh, thanh_pho, xa, phuong, dac_khu, so_nganh, bo_nganh or don_vi")
	parent := fset.String("parent", "", "code of the parent unit (province-level for communes and agencies)")
	data := storeFlags(fset)
	if err := fset.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	db, err := data.open(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "tdkt unit create:", err)
		return 1
	}
	defer db.Close()
	a := auth.New(db, config.Defaults().SessionTTL)
	u, err := a.CreateUnit(ctx, auth.UnitInput{Code: *code, Name: *name, Kind: *kind, ParentCode: *parent})
	if printInvalid(stderr, "unit create", err, nil) {
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "tdkt unit create:", err)
		return 1
	}
	fmt.Fprintf(stdout, "created unit %s %q\n", u.Code, u.Name)
	return 0
}
