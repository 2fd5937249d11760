package main

import (
	"context"

	"sigs.k8s.io/cluster-api/cmd/clusterctl/client/config"
)

type builtinProvider struct {
	Name string `json:"name"`
	Type string `json:"type"`
	URL  string `json:"url"`
}

// builtinProviders lists clusterctl's built-in providers as `clusterctl config repositories` does:
// a configuration with no `providers:` entries, in the order the config client sorts them.
func builtinProviders() ([]byte, error) {
	client, err := config.New(context.Background(), "", config.InjectReader(config.NewMemoryReader()))
	if err != nil {
		return nil, err
	}
	providers, err := client.Providers().List()
	if err != nil {
		return nil, err
	}
	out := make([]builtinProvider, 0, len(providers))
	for _, p := range providers {
		out = append(out, builtinProvider{Name: p.Name(), Type: string(p.Type()), URL: p.URL()})
	}
	return jsonArray(out)
}
