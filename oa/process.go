package oa

import "fmt"

// Process is the approval process of an application made through the API
// (process of oa/applyevent, doc 91853): its nodes in order. WeCom's
// current page requires it when the template's own process is not used.
type Process struct {
	Nodes []Node `json:"node_list"`
}

// Node is one node of a [Process]: who acts on it and, for several
// approvers or handlers, how they decide.
type Node struct {
	Type NodeType `json:"type"`
	// Rel is how the members decide; required for NodeApprover and
	// NodeHandler nodes, left out for NodeCC ones.
	Rel     Relation `json:"apv_rel,omitempty"`
	UserIDs []string `json:"userid"`
}

// NodeType is what a process node's members do (type, doc 91853;
// node_type in the detail's process_list, doc 91983).
type NodeType int

// Node types.
const (
	NodeApprover NodeType = 1 // 审批人: approves or rejects
	NodeCC       NodeType = 2 // 抄送人: is told
	NodeHandler  NodeType = 3 // 办理人: handles the approved application
)

// Relation is how the members of a process node decide (apv_rel, doc
// 91853). Its numbers are not those of the detail's approverattr
// ([AnyApprover] is 1 there, RelAny is 2 here).
type Relation int

// Relations.
const (
	RelAll        Relation = 1 // 会签: every member must agree
	RelAny        Relation = 2 // 或签: one member decides
	RelSequential Relation = 3 // 依次审批: the members decide one after another
)

// check reports, wrapping [ErrInvalidArgument], a node WeCom would refuse.
func (n Node) check(i int) error {
	switch n.Type {
	case NodeApprover, NodeHandler:
		if n.Rel < RelAll || n.Rel > RelSequential {
			return fmt.Errorf("%w: process node %d: Rel must be RelAll, RelAny or RelSequential", ErrInvalidArgument, i)
		}
	case NodeCC:
		if n.Rel != 0 {
			return fmt.Errorf("%w: process node %d: a cc node takes no Rel", ErrInvalidArgument, i)
		}
	default:
		return fmt.Errorf("%w: process node %d: type %d (NodeApprover, NodeCC or NodeHandler)", ErrInvalidArgument, i, n.Type)
	}
	if len(n.UserIDs) == 0 {
		return fmt.Errorf("%w: process node %d has no userid", ErrInvalidArgument, i)
	}
	for _, u := range n.UserIDs {
		if u == "" {
			return fmt.Errorf("%w: process node %d: an empty userid", ErrInvalidArgument, i)
		}
	}
	return nil
}

// ProcessList is an application's process as the detail gives it
// (process_list, doc 91983): every node, approvers, cc and handlers, in
// order, with each member's decision.
type ProcessList struct {
	Nodes []ProcessNode `json:"node_list"`
}

// ProcessNode is one node of a [ProcessList].
type ProcessNode struct {
	Type     NodeType   `json:"node_type"`
	Status   NodeStatus `json:"sp_status"` // 0 on a cc node
	Rel      Relation   `json:"apv_rel"`   // 0 on a cc node
	SubNodes []SubNode  `json:"sub_node_list"`
}

// SubNode is one member of a [ProcessNode] and what they did.
type SubNode struct {
	UserID   string     `json:"userid"`
	Speech   string     `json:"speech"`
	Status   NodeStatus `json:"sp_yj"`
	SpTime   int64      `json:"sptime"` // Unix seconds; 0 until the member acts
	MediaIDs []string   `json:"media_ids"`
}
