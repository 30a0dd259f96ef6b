package timeline

import "github.com/accountplan/accountplan/ent"

// pinner is a record whose single links (those kept in its own columns) can
// be set to the records they pointed to then.
type pinner interface {
	PinLinks(find func(typ string, id int) (ent.Noder, bool))
}

// pin sets the links of rebuilt records to the types in then to the records
// of then, by ID (none when absent): the records rebuilt with them. Links to
// other types are read now.
func pin(then map[string]map[int]ent.Noder, records ...ent.Noder) {
	find := func(typ string, id int) (ent.Noder, bool) {
		byID, ok := then[typ]
		if !ok {
			return nil, false
		}
		if n, ok := byID[id]; ok {
			return n, true
		}
		return nil, true
	}
	for _, r := range records {
		if p, ok := r.(pinner); ok {
			p.PinLinks(find)
		}
	}
}
