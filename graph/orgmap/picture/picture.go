// Package picture draws org maps: it lays out Graphviz DOT and writes it as
// SVG inside the process, with Graphviz compiled to WebAssembly
// (github.com/goccy/go-graphviz), so that no system package is needed.
//
// go-graphviz runs one WebAssembly instance per process, compiled when the
// package is initialised, and that instance is not safe for concurrent use:
// every render here takes the one turn, and at most MaxWaiting more wait for
// it; the rest are refused with ErrBusy at once. A render cannot be
// interrupted once it has begun, so a caller bounds what it draws (see
// package orgmap's Map.Summary) rather than how long it waits.
package picture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/goccy/go-graphviz"

	"github.com/accountplan/accountplan/graph/orgmap"
)

// The most a picture draws; a larger map is drawn as its Summary. A map of
// 400 stakeholders and 1,600 influence edges took 0.6 s to draw on a busy
// 2-core machine, one of 800 and 3,200 took 3 s, and the generated map of
// 5,000 and 20,000 took 150 s and left the process 500 MiB larger (the
// WebAssembly memory never shrinks).
const (
	MaxStakeholders = 400
	MaxEdges        = 1600
)

// OrgMap draws the map as SVG, or its Summary when it is larger than
// MaxStakeholders or MaxEdges, with the colours and shapes of Map.DOT.
func OrgMap(ctx context.Context, m *orgmap.Map) ([]byte, error) {
	return SVG(ctx, []byte(m.Summary(MaxStakeholders, MaxEdges).DOT()))
}

// MaxWaiting is how many renders may wait for the one that runs; more are
// refused, so that requests for pictures cannot take every slot of the server.
const MaxWaiting = 2

// ErrBusy refuses a render while MaxWaiting others already wait.
var ErrBusy = errors.New("as many org-map pictures are being drawn as the server draws at once")

var (
	// turn is the WebAssembly instance's one turn; queue counts the renders
	// that hold or wait for it.
	turn  = make(chan struct{}, 1)
	queue = make(chan struct{}, 1+MaxWaiting)
	// gv is Graphviz's context, made by the first render and kept for the
	// process's life: making one loads every plugin into the instance.
	gv     *graphviz.Graphviz
	gvOnce sync.Once
	gvErr  error
)

// SVG lays dot out with Graphviz's dot engine and writes it as SVG. It waits
// for its turn until ctx ends, and answers ErrBusy when too many wait.
func SVG(ctx context.Context, dot []byte) ([]byte, error) {
	select {
	case queue <- struct{}{}:
	default:
		return nil, ErrBusy
	}
	defer func() { <-queue }()
	select {
	case turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-turn }()
	return render(ctx, dot)
}

// render draws while holding the turn.
func render(ctx context.Context, dot []byte) ([]byte, error) {
	gvOnce.Do(func() { gv, gvErr = graphviz.New(context.Background()) })
	if gvErr != nil {
		return nil, fmt.Errorf("starting graphviz: %w", gvErr)
	}
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("reading the map's DOT: %w", err)
	}
	defer g.Close()
	var b bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.SVG, &b); err != nil {
		return nil, fmt.Errorf("drawing the map: %w", err)
	}
	return b.Bytes(), nil
}
