package main

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	clusterv1beta1 "sigs.k8s.io/cluster-api/api/core/v1beta1"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"
	utilyaml "sigs.k8s.io/cluster-api/util/yaml"
)

// clusterTemplates are rendered cluster templates (after variable substitution). `generate cluster`
// reads the Clusters of a repository template into Go's Cluster types to find the ClusterClasses
// they use; a Cluster that does not convert makes the whole command fail.
var clusterTemplates = []string{
	// what the issue found: a substituted list that became a string
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec:\n  clusterNetwork:\n    pods:\n      cidrBlocks: 10.0.0.0/16\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec:\n  clusterNetwork:\n    pods:\n      cidrBlocks: [10.0.0.0/16]\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec:\n  clusterNetwork:\n    services: {cidrBlocks: 10.96.0.0/12}\n  topology: {classRef: {name: quick}, version: v1.34.0}\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec:\n  clusterNetwork:\n    pods:\n      cidrBlocks: 10.0.0.0/16\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec:\n  clusterNetwork:\n    pods:\n      cidrBlocks: [10.0.0.0/16]\n  topology: {class: quick, version: v1.34.0}\n",
	// other versions and kinds are not read
	"apiVersion: cluster.x-k8s.io/v1alpha4\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {pods: {cidrBlocks: 10.0.0.0/16}}}\n",
	"apiVersion: infrastructure.cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: x}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: MachineDeployment\nmetadata: {name: c1}\nspec: {replicas: three}\n",
	// numbers, strings and booleans in each other's places
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {serviceDomain: 42}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {serviceDomain: true}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {apiServerPort: \"6443\"}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {apiServerPort: 6443.0}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {apiServerPort: 6443.5}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {apiServerPort: 99999999999}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {apiServerPort: true}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {paused: \"true\"}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {paused: yes}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {controlPlaneEndpoint: {host: 10.0.0.1, port: \"6443\"}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {pods: {cidrBlocks: [10.0.0.0/16, 42]}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {pods: [10.0.0.0/16]}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: 10.0.0.0/16}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: []\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {availabilityGates: {conditionType: Ready}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, labels: {team: 42}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, labels: [a]}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, creationTimestamp: yesterday}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, creationTimestamp: \"2024-01-02T03:04:05Z\"}\n",
	// YAML 1.1 forms go-yaml reads (timestamps stay strings; on/yes are booleans; hex is a number)
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, creationTimestamp: 2024-01-02T03:04:05Z, labels: {day: 2024-01-02}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {topology: {classRef: {name: quick}, version: 2024-01-02}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {topology: {classRef: {name: quick}, version: 1.30}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {serviceDomain: on}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {serviceDomain: ~, apiServerPort: 0x1A0B}, paused: off}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {apiServerPort: 1e3}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {apiServerPort: 99999999999999999999}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {pods: {cidrBlocks: [10.0.0.0/16, null]}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {pods: {cidrBlocks: \"\"}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {pods: {cidrBlocks: {}}}}\n",
	// nulls and unknown fields are accepted
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {clusterNetwork: {pods: {cidrBlocks: null}}, paused: null, topology: null}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\nspec: {whatever: [1, 2], clusterNetwork: {pods: {cidrBlocks: [a], extra: 5}}}\nextraTop: 1\n",
	// when a topology counts (v1beta2: any non-zero value once read; v1beta1: present)
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {class: quick}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {classRef: {name: \"\"}, version: \"\"}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {controlPlane: {replicas: 0}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {variables: []}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {workers: {machineDeployments: []}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {controlPlane: {metadata: {labels: {}}}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {classRef: {name: quick, namespace: shared}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {classRef: {name: quick}, variables: [{name: a, value: {x: [1, 2]}}, {name: b, value: null}]}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {classRef: {name: quick}, controlPlane: {healthCheck: {checks: {nodeStartupTimeoutSeconds: \"10m\"}}}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {classRef: {name: quick}, workers: {machineDeployments: [{class: md, name: md0, replicas: 2.5}]}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {classRef: {name: quick}, workers: {machineDeployments: [{class: md, name: md0, healthCheck: {remediation: {triggerIf: {unhealthyLessThanOrEqualTo: 40%}}}}]}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {classRef: {name: quick}, workers: {machineDeployments: [{class: md, name: md0, healthCheck: {remediation: {triggerIf: {unhealthyLessThanOrEqualTo: 2}}}}]}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {classRef: {name: quick}, workers: {machineDeployments: [{class: md, name: md0, healthCheck: {remediation: {triggerIf: {unhealthyLessThanOrEqualTo: true}}}}]}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {classRef: {name: 7}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {class: quick, classNamespace: shared}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {class: quick, controlPlane: {nodeDrainTimeout: 10m}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {class: quick, controlPlane: {nodeDrainTimeout: 600}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {class: quick, controlPlane: {nodeDrainTimeout: ten minutes}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {class: quick, controlPlane: {nodeDrainTimeout: \"1h2m3.5s\"}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {class: quick, controlPlane: {nodeDrainTimeout: \"\"}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {class: quick, workers: {machineDeployments: [{class: md, name: md0, machineHealthCheck: {maxUnhealthy: 40%, unhealthyConditions: [{type: Ready, status: Unknown, timeout: 300s}]}}]}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {class: quick, workers: {machineDeployments: [{class: md, name: md0, machineHealthCheck: {maxUnhealthy: 2.5}}]}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\nspec: {topology: {class: quick, workers: {machineDeployments: [{class: md, name: md0, machineHealthCheck: {unhealthyConditions: [{type: Ready, status: Unknown, timeout: 5}]}}]}}}\n",
	// several Clusters: the first that does not convert stops the reading
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: a, namespace: ns}\nspec: {topology: {classRef: {name: one}}}\n---\napiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: b, namespace: ns}\nspec: {topology: {classRef: {name: one}}}\n",
	"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: a, namespace: ns}\nspec: {topology: {classRef: {name: one}}}\n---\napiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: b, namespace: ns}\nspec: {paused: 1}\n",
}

type clusterConvertCase struct {
	YAML string `json:"yaml"`
	// Classes lists the ClusterClasses found, as namespace/name, when every Cluster converted.
	Classes []string `json:"classes,omitempty"`
	Error   string   `json:"error,omitempty"`
}

// clusterClassNames repeats what clusterctl's clusterClassNamesFromTemplate does with the Clusters
// of a template, with the same scheme conversion.
func clusterClassNames(rendered string) ([]string, error) {
	scheme := runtime.NewScheme()
	if err := clusterv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := clusterv1beta1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	objs, err := utilyaml.ToUnstructured([]byte(rendered))
	if err != nil {
		return nil, fmt.Errorf("the case is not valid YAML: %w", err)
	}
	classes := []string{}
	for i := range objs {
		obj := objs[i]
		if obj.GroupVersionKind().GroupKind() != clusterv1.GroupVersion.WithKind("Cluster").GroupKind() {
			continue
		}
		switch obj.GroupVersionKind().Version {
		case clusterv1.GroupVersion.Version:
			cluster := &clusterv1.Cluster{}
			if err := scheme.Convert(&obj, cluster, nil); err != nil {
				return nil, err
			}
			if cluster.Spec.Topology.IsDefined() {
				classes = append(classes, cluster.GetClassKey().String())
			}
		case clusterv1beta1.GroupVersion.Version:
			cluster := &clusterv1beta1.Cluster{}
			if err := scheme.Convert(&obj, cluster, nil); err != nil {
				return nil, err
			}
			if cluster.Spec.Topology != nil {
				classes = append(classes, cluster.GetClassKey().String())
			}
		}
	}
	return classes, nil
}

func clusterConvertCases() ([]byte, error) {
	out := make([]clusterConvertCase, 0, len(clusterTemplates))
	for _, rendered := range clusterTemplates {
		c := clusterConvertCase{YAML: rendered}
		classes, err := clusterClassNames(rendered)
		if err != nil {
			c.Error = err.Error()
		} else {
			c.Classes = classes
		}
		out = append(out, c)
	}
	return jsonArray(out)
}
