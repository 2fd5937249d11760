package main

import (
	"github.com/gobuffalo/flect"
	"sigs.k8s.io/cluster-api/util/contract"
)

// words: Cluster API kinds (lower-cased, as CRD names use them) and the English cases flect has
// rules or exceptions for, including its oddities ("metal3data", a lower-cased acronym ending in s).
var words = []string{
	"cluster", "machinehealthcheck", "clusterclass", "kubeadmconfig", "awsclusterroleidentity", "metal3data",
	"ipaddress", "ip", "ips", "id", "api", "status", "policy", "proxy", "index", "matrix", "box", "bus", "alias",
	"gateway", "key", "leaf", "wolf", "knife", "hero", "photo", "zoo", "radio", "person", "child", "mouse", "datum",
	"medium", "criterion", "analysis", "basis", "axis", "quiz", "church", "dish", "fox", "museum", "vacuum", "campus",
	"virus", "thesis", "series", "sheep", "news", "use", "house", "archive", "movie", "shoe", "bureau", "formula",
	"data", "s", "x", "y", "o", "", "dockermachinepool", "inclusterippool", "machinedrainrule", "hostnamepolicy",
	"cloudstackaffinitygroup", "machine", "machineset", "machinedeployment", "machinepool", "extensionconfig",
	"clusterresourceset", "clusterresourcesetbinding", "ipaddressclaim", "kubeadmcontrolplane",
	"kubeadmcontrolplanetemplate", "kubeadmconfigtemplate", "dockercluster", "dockermachine", "dockermachinetemplate",
	"devcluster", "devmachine", "awsmanagedcontrolplane", "azuremanagedmachinepool", "vspherevm", "openstackserver",
	"metal3remediation", "metal3dataclaim", "metal3datatemplate", "gcpmanagedcluster", "ibmpowervsimage",
	"nutanixfailuredomain", "proxmoxmachine", "hetznerbaremetalhost", "rke2configtemplate", "talosconfig",
	"k0scontrolplane", "kamajicontrolplane", "addonprovider", "helmchartproxy", "helmreleaseproxy", "matchbox",
	"address", "business", "process", "access", "class", "glass", "bias", "gas", "canvas", "quota", "schema",
	"criteria", "phenomenon", "appendix", "vertex", "crisis", "diagnosis", "ellipsis", "hypothesis", "octopus",
	"cactus", "focus", "fungus", "radius", "syllabus", "stimulus", "alumnus", "ox", "goose", "tooth", "foot",
	"woman", "man", "human", "german", "roman", "talisman", "day", "toy", "guy", "buy", "boy", "fly", "spy", "city",
	"query", "entry", "ability", "half", "calf", "elf", "self", "shelf", "thief", "chief", "roof", "proof", "belief",
	"safe", "life", "wife", "potato", "tomato", "echo", "veto", "piano", "kilo", "halo", "canto", "memo", "info",
	"equipment", "information", "rice", "money", "species", "fish", "deer", "aircraft", "moose", "swine", "police",
	"jeans", "scissors", "tuna", "trout", "salmon", "bison", "offspring", "staff", "cliff", "sniff", "edge", "bridge",
	"node", "nodepool", "vm", "vms", "dns", "dnses", "uri", "url", "uuid", "json", "html", "http", "tls", "ssh", "os",
	"cpu", "gpu", "ram", "cidr", "vpc", "acl", "iam", "kms", "sqs", "sns", "ec2", "eks", "aks", "gke",
	"clusterCLASS", "IPS", "Cluster", "MachineHealthCheck", "ABC", "camelCase", "snake_case", "kebab-case", "two words",
	"a.b", "UPPERCASE", "ümlaut", "naïve", "café", "résumé", "ß", "日本",
}

// crdGroup is the API group the CRD names below are computed for.
const crdGroup = "infrastructure.cluster.x-k8s.io"

type pluralCase struct {
	Word    string `json:"word"`
	Plural  string `json:"plural"`
	CrdName string `json:"crdName"`
}

// pluralizeCases records flect.Pluralize for each word, and the CRD name Cluster API's contract
// package computes when the word is a kind of crdGroup.
func pluralizeCases() ([]byte, error) {
	out := make([]pluralCase, 0, len(words))
	for _, w := range words {
		out = append(out, pluralCase{Word: w, Plural: flect.Pluralize(w), CrdName: contract.CalculateCRDName(crdGroup, w)})
	}
	return jsonArray(out)
}
