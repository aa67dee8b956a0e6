package store

import "encoding/json"

// inUnits is the SQL condition "the user in column col belongs to one of
// the units", for queries cut to a trainer's scope. It takes the value of
// unitsArg twice; a nil list (an administrator's scope) matches everyone.
// The list travels as one JSON parameter, read by json_each, so a province
// of 3,000 units is one bound value, not 3,000.
func inUnits(col string) string {
	return `(? IS NULL OR ` + col + ` IN (SELECT id FROM users WHERE unit_id IN (SELECT value FROM json_each(?))))`
}

// unitsArg is the parameter of inUnits: NULL for no limit, else a JSON array.
func unitsArg(ids []int64) any {
	if ids == nil {
		return nil
	}
	b, _ := json.Marshal(ids)
	return string(b)
}
