package main

import (
	"encoding/json"

	"k8s.io/apimachinery/pkg/api/resource"
)

// quantities are JSON values as they appear in a manifest (strings and bare numbers), read into a
// resource.Quantity and written back, as clusterctl does when it converts a workload to Go structs.
var quantities = []string{
	`"1"`, `"0"`, `"00"`, `"0.0"`, `"1."`, `"+."`, `"-0"`, `"1.5"`, `"0.5"`, `"1000m"`, `"100m"`, `"1E3"`, `"1e3"`,
	`"1e-3"`, `"12e3"`, `"123456789012345678"`, `"1234567890123456789"`, `"0.000000001"`, `"0.0000000001"`, `"1n"`,
	`"1u"`, `"10u"`, `"1000u"`, `"1Ki"`, `"1023Ki"`, `"1024Ki"`, `"1.5Ki"`, `"0.5Ki"`, `"1.0001Ki"`, `"1Ei"`, `"8Ei"`,
	`"9Ei"`, `"1P"`, `"1E"`, `"1000E"`, `"1e21"`, `"1e-7"`, `"5Gi"`, `"5.5Gi"`, `"1000Gi"`, `"128974848"`, `"129e6"`,
	`"129M"`, `"123Mi"`, `"7Mi"`, `"8Mi"`, `"-1Ki"`, `"-1024Ki"`, `"-1.5"`, `"  2  "`, `"1Mi "`, `"Ki"`, `"1e+3"`,
	`"1E-3"`, `"0.1Ki"`, `"1023"`, `"1024"`, `"2048Ki"`, `"3.0"`, `"3.10"`, `"300m"`, `"0.3"`, `"1.05"`, `"1.005"`,
	`"1e2"`, `"1e1"`, `"10e2"`, `"1m"`, `"10m"`, `"1000000m"`, `"1000001m"`, `"250m"`, `"2.5"`, `"64Mi"`, `"1G"`,
	`"1.5G"`, `"0.001"`, `"0.0001"`, `"100Ki"`, `"1536Ki"`, `"1Ti"`, `"1.5Ti"`, `"4T"`, `"12k"`, `"1.2k"`, `"999m"`,
	`"1001m"`, `"-0.5"`, `"+1"`, `"+1Ki"`, `"0Ki"`, `"0m"`, `"0.0Gi"`, `"1e0"`, `"1E0"`, `"1e-9"`, `"1e-10"`,
	`"1e18"`, `"1e19"`, `"9223372036854775807"`, `"9223372036854775808"`, `"-9223372036854775808"`, `"1Pi"`,
	`"1024Pi"`, `"1.25Mi"`, `"3Gi"`, `"3072Mi"`,
	`1`, `0`, `0.5`, `1.5`, `2048`, `1e+21`, `1e-7`, `123456789`, `-3`, `100`, `0.25`, `1e3`,
	`"abc"`, `"1x"`, `"1.2.3"`, `"1K"`, `"1e"`, `""`, `"-"`, `"1Mi1"`, `"1 Mi"`, `"."`, `"e3"`,
}

type quantityCase struct {
	JSON   string  `json:"json"`
	Output *string `json:"output,omitempty"`
	Error  string  `json:"error,omitempty"`
}

func quantityCases() ([]byte, error) {
	out := make([]quantityCase, 0, len(quantities))
	for _, raw := range quantities {
		c := quantityCase{JSON: raw}
		var q resource.Quantity
		if err := json.Unmarshal([]byte(raw), &q); err != nil {
			c.Error = err.Error()
		} else {
			s := q.String()
			c.Output = &s
		}
		out = append(out, c)
	}
	return jsonArray(out)
}
