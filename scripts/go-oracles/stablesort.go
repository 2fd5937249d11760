package main

import (
	"math/rand"
	"sort"
	"strings"
)

// kindSequences are component lists written as one letter per object: N a Namespace, C a
// cert-manager object, O anything else. clusterctl orders components with sort.SliceStable and a
// comparator that is not a strict weak order, so only Go's exact algorithm gives its order.
var kindSequences = []string{
	"",
	"O",
	"NC",
	"OONCOOOOCOOOOCCCCOOCOOOOCCOOOCCONOOOOCOOOONOCOCOOOCOCCOOCOOOOCOOO",
	"OOOCNCOOOOCNOOOOOOOOCOOCCNOOOCONOOCOCOOCOOOOCONNONOCCOOCCOCCOOCCONOOOCCOOCOOONOONOOOCOOOOCOCOOOOONCOOOCOOOONCOOOOOCNCO",
	"OOOCCNOOOOCOCOCNOOOOOOONCOCNCNOOOOOOCOCCCCOCCNOOOOCOOOOOOCOOOOCOOOON",
}

type stableSortCase struct {
	Kinds string `json:"kinds"`
	Order []int  `json:"order"`
}

// lessComponent: Namespaces first, then cert-manager objects, as the comparator clusterctl uses.
func lessComponent(a, b byte) bool {
	if a == 'N' {
		return true
	}
	if b == 'N' {
		return false
	}
	return a == 'C'
}

func stableSortCases() ([]byte, error) {
	sequences := append([]string{}, kindSequences...)
	rng := rand.New(rand.NewSource(20261203))
	for i := 0; i < 40; i++ {
		var b strings.Builder
		for n := rng.Intn(300); n > 0; n-- {
			b.WriteByte("NCOOOO"[rng.Intn(6)])
		}
		sequences = append(sequences, b.String())
	}
	out := make([]stableSortCase, 0, len(sequences))
	for _, kinds := range sequences {
		order := make([]int, len(kinds))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(i, j int) bool { return lessComponent(kinds[order[i]], kinds[order[j]]) })
		out = append(out, stableSortCase{Kinds: kinds, Order: order})
	}
	return jsonArray(out)
}
