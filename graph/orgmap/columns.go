package orgmap

// NodeColumns is the map's nodes as parallel lists, one per attribute, in
// the order of Map.Nodes. gqlgen marshals a list of scalars in a plain loop,
// but a list of objects or enum values with a goroutine per entry, and each
// object field by field: 5,000 nodes as objects cost ten times what they
// cost as columns. Hence enum values as strings here.
type NodeColumns struct{ m *Map }

// EdgeColumns is the map's edges as parallel lists, in the order of Map.Edges.
type EdgeColumns struct{ m *Map }

// NodeColumns is the nodes as columns.
func (m *Map) NodeColumns() *NodeColumns { return &NodeColumns{m} }

// EdgeColumns is the edges as columns.
func (m *Map) EdgeColumns() *EdgeColumns { return &EdgeColumns{m} }

// column is one attribute of every element, in order.
func column[E, T any](elems []E, value func(E) T) []T {
	out := make([]T, len(elems))
	for i, e := range elems {
		out[i] = value(e)
	}
	return out
}

func (c *NodeColumns) IDs() []int { return column(c.m.Nodes, func(n *Node) int { return n.ID }) }
func (c *NodeColumns) ManagerIDs() []*int {
	return column(c.m.Nodes, func(n *Node) *int { return n.ManagerID })
}
func (c *NodeColumns) Names() []string {
	return column(c.m.Nodes, func(n *Node) string { return n.Name })
}
func (c *NodeColumns) Titles() []*string {
	return column(c.m.Nodes, func(n *Node) *string { return nonZero(n.Title) })
}
func (c *NodeColumns) Ranks() []*int {
	return column(c.m.Nodes, func(n *Node) *int { return nonZero(n.Rank) })
}
func (c *NodeColumns) Influences() []*int {
	return column(c.m.Nodes, func(n *Node) *int { return nonZero(n.Influence) })
}
func (c *NodeColumns) PoliticalStatuses() []*string {
	return column(c.m.Nodes, func(n *Node) *string { return nonZero(string(n.PoliticalStatus)) })
}
func (c *NodeColumns) Supports() []string {
	return column(c.m.Nodes, func(n *Node) string { return string(n.Support) })
}
func (c *NodeColumns) BuyingRoles() []*string {
	return column(c.m.Nodes, func(n *Node) *string { return nonZero(string(n.BuyingRole)) })
}
func (c *NodeColumns) Coverages() []string {
	return column(c.m.Nodes, func(n *Node) string { return string(n.Coverage) })
}
func (c *NodeColumns) Depths() []int {
	return column(c.m.Nodes, func(n *Node) int { return n.Depth })
}
func (c *NodeColumns) DirectReportCounts() []int {
	return column(c.m.Nodes, func(n *Node) int { return n.DirectReportCount })
}
func (c *NodeColumns) IndirectReportCounts() []int {
	return column(c.m.Nodes, func(n *Node) int { return n.IndirectReportCount })
}
func (c *NodeColumns) KeyPlayers() []bool {
	return column(c.m.Nodes, (*Node).KeyPlayer)
}
func (c *NodeColumns) InfluenceScores() []float64 {
	return column(c.m.Nodes, (*Node).InfluenceScore)
}
func (c *NodeColumns) InfluenceRanks() []int {
	return column(c.m.Nodes, (*Node).InfluenceRank)
}
func (c *NodeColumns) RelationshipCounts() []int {
	return column(c.m.Nodes, func(n *Node) int { return len(n.Relationships) })
}

func (c *EdgeColumns) Kinds() []string {
	return column(c.m.Edges, func(e *Edge) string { return string(e.Kind) })
}
func (c *EdgeColumns) FromIDs() []int {
	return column(c.m.Edges, func(e *Edge) int { return e.FromID })
}
func (c *EdgeColumns) ToIDs() []int { return column(c.m.Edges, func(e *Edge) int { return e.ToID }) }
func (c *EdgeColumns) Strengths() []*int {
	return column(c.m.Edges, (*Edge).NullableStrength)
}
func (c *EdgeColumns) InfluenceEdgeIDs() []*int {
	return column(c.m.Edges, (*Edge).NullableInfluenceEdgeID)
}
