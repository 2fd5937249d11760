// Command go-oracles records what the Go libraries behind clusterctl v1.13.5 answer for inputs that
// clusterctl-ts reimplements, so the TypeScript unit tests compare against real Go output instead of
// hand-typed expectations. Every oracle imports the upstream package itself (pinned in go.mod/go.sum):
//
//	envsubst        sigs.k8s.io/cluster-api/cmd/clusterctl/client/yamlprocessor (drone/envsubst inside)
//	pluralize       github.com/gobuffalo/flect, as Cluster API names CRDs
//	quantity        k8s.io/apimachinery/pkg/api/resource.Quantity, read from JSON and written back
//	stable-sort     Go's sort.SliceStable with clusterctl's component-ordering comparator
//	providers       the built-in provider list of sigs.k8s.io/cluster-api/cmd/clusterctl/client/config
//	schema          the JSON field tables of the Kubernetes types clusterctl round-trips
//	cluster-convert the ClusterClasses clusterctl finds in rendered templates, or its refusal to read a Cluster
//
// Usage: go-oracles -out DIR writes every fixture under DIR at its path inside the repository.
// scripts/oracles.mjs (`npm run oracles`) builds it, runs it into a scratch folder and compares the
// result with the committed files. It is not part of clusterctl-ts.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

type oracle struct {
	path string
	run  func() ([]byte, error)
}

var oracles = []oracle{
	{"test/fixtures/go-oracles/envsubst-cases.jsonl", envsubstCases},
	{"test/fixtures/go-oracles/pluralize.json", pluralizeCases},
	{"test/fixtures/go-oracles/quantity.json", quantityCases},
	{"test/fixtures/go-oracles/stable-sort.json", stableSortCases},
	{"test/fixtures/go-oracles/builtin-providers.json", builtinProviders},
	{"src/core/repository/typed/schema.ts", schemaTable},
	{"test/fixtures/go-oracles/cluster-convert.json", clusterConvertCases},
}

func main() {
	out := flag.String("out", "", "folder to write the fixtures into, laid out like the repository")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "go-oracles: -out DIR is required")
		os.Exit(2)
	}
	for _, o := range oracles {
		data, err := o.run()
		if err != nil {
			fmt.Fprintf(os.Stderr, "go-oracles: %s: %v\n", o.path, err)
			os.Exit(1)
		}
		target := filepath.Join(*out, filepath.FromSlash(o.path))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "go-oracles:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "go-oracles:", err)
			os.Exit(1)
		}
	}
}

// jsonArray writes items as a JSON array with one item per line, which keeps diffs readable.
func jsonArray[T any](items []T) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, item := range items {
		line, err := marshal(item)
		if err != nil {
			return nil, err
		}
		b.WriteString("  ")
		b.Write(line)
		if i < len(items)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	return b.Bytes(), nil
}

// marshal encodes v on one line without HTML escaping.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
