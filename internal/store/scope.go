package store

import "encoding/json"

// inUnits is the SQL condition "the user in column col belongs to one of
// the units", for queries cut to a trainer's scope. It takes the value of
// unitsArg twice; a nil list (an administrator's scope) matches everyone.
// The list travels as one JSON parameter, so a province of 3,000 units is
// one bound value, not 3,000.
func (d dialect) inUnits(col string) string {
	return `(CAST(? AS TEXT) IS NULL OR ` + col + ` IN (SELECT id FROM users WHERE unit_id IN (` + d.idList() + `)))`
}

// idList is a subquery of the ids in a JSON array parameter (unitsArg).
func (d dialect) idList() string {
	if d.pg {
		return `SELECT CAST(j.value AS BIGINT) FROM json_array_elements_text(CAST(? AS json)) AS j(value)`
	}
	return `SELECT value FROM json_each(?)`
}

// unitsArg is the parameter of inUnits: NULL for no limit, else a JSON array.
func unitsArg(ids []int64) any {
	if ids == nil {
		return nil
	}
	b, _ := json.Marshal(ids)
	return string(b)
}
