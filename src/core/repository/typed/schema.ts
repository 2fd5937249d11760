/**
 * Field tables of the Kubernetes API types that clusterctl converts to Go structs and back while it
 * processes provider components (Deployment, DaemonSet, ClusterRoleBinding, RoleBinding, webhook
 * configurations, CustomResourceDefinition) and the Clusters of repository cluster templates
 * (Cluster API v1beta2 and v1beta1, read while looking for their ClusterClasses). The round trip drops unknown fields, fills in the
 * fields Go always writes, and normalises some values, so reproducing clusterctl's output needs to
 * know, for every field, its JSON name, its type and whether it is omitted when empty.
 *
 * GENERATED from k8s.io/api, k8s.io/apiextensions-apiserver and k8s.io/apimachinery v0.35.4 and
 * sigs.k8s.io/cluster-api v1.13.5 (the versions clusterctl v1.13.5 builds with) by scripts/go-oracles (npm run oracles); do not edit by hand.
 *
 * Encoding: a struct is a space-separated list of `jsonName:type` fields (an empty name is an
 * embedded struct whose fields are inlined). A trailing `?` marks `omitempty`, `!` marks `omitzero`.
 * Types: `s` string, `b` bool, `i` integer, `f` float, `y` bytes (base64 in JSON), `a` any JSON,
 * `#Name` a struct, `[]T` a list, `{}T` a map with string keys, `*T` a pointer, and `@...` a type
 * with its own JSON form: `@quantity`, `@intorstr`, `@time`, `@json` (raw JSON kept as is), and
 * `@orbool:S` / `@orarray:S` / `@orstrings:S` (the JSON-schema unions of CRDs, S being the schema struct).
 */

/** Root struct for each `group/version/Kind` clusterctl round-trips. */
export const typedRoots: Readonly<Record<string, string>> = {
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration':
    '#admissionregistration/v1.MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration':
    '#admissionregistration/v1.ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1beta1/MutatingWebhookConfiguration':
    '#admissionregistration/v1beta1.MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1beta1/ValidatingWebhookConfiguration':
    '#admissionregistration/v1beta1.ValidatingWebhookConfiguration',
  'apiextensions.k8s.io/v1/CustomResourceDefinition': '#apiextensions/v1.CustomResourceDefinition',
  'apiextensions.k8s.io/v1beta1/CustomResourceDefinition': '#apiextensions/v1beta1.CustomResourceDefinition',
  'apps/v1/DaemonSet': '#apps/v1.DaemonSet',
  'apps/v1/Deployment': '#apps/v1.Deployment',
  'cluster.x-k8s.io/v1beta1/Cluster': '#cluster/v1beta1.Cluster',
  'cluster.x-k8s.io/v1beta2/Cluster': '#cluster/v1beta2.Cluster',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': '#rbac/v1.ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/RoleBinding': '#rbac/v1.RoleBinding',
};

/** Struct name to encoded field list. */
export const typedStructs: Readonly<Record<string, string>> = {
  'admissionregistration/v1.MatchCondition': 'name:s expression:s',
  'admissionregistration/v1.MutatingWebhook':
    'name:s clientConfig:#admissionregistration/v1.WebhookClientConfig rules:[]#admissionregistration/v1.RuleWithOperations? failurePolicy:*s? matchPolicy:*s? namespaceSelector:*#meta/v1.LabelSelector? objectSelector:*#meta/v1.LabelSelector? sideEffects:*s timeoutSeconds:*i? admissionReviewVersions:[]s reinvocationPolicy:*s? matchConditions:[]#admissionregistration/v1.MatchCondition?',
  'admissionregistration/v1.MutatingWebhookConfiguration':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? webhooks:[]#admissionregistration/v1.MutatingWebhook?',
  'admissionregistration/v1.Rule': 'apiGroups:[]s? apiVersions:[]s? resources:[]s? scope:*s?',
  'admissionregistration/v1.RuleWithOperations': 'operations:[]s? :#admissionregistration/v1.Rule',
  'admissionregistration/v1.ServiceReference': 'namespace:s name:s path:*s? port:*i?',
  'admissionregistration/v1.ValidatingWebhook':
    'name:s clientConfig:#admissionregistration/v1.WebhookClientConfig rules:[]#admissionregistration/v1.RuleWithOperations? failurePolicy:*s? matchPolicy:*s? namespaceSelector:*#meta/v1.LabelSelector? objectSelector:*#meta/v1.LabelSelector? sideEffects:*s timeoutSeconds:*i? admissionReviewVersions:[]s matchConditions:[]#admissionregistration/v1.MatchCondition?',
  'admissionregistration/v1.ValidatingWebhookConfiguration':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? webhooks:[]#admissionregistration/v1.ValidatingWebhook?',
  'admissionregistration/v1.WebhookClientConfig':
    'url:*s? service:*#admissionregistration/v1.ServiceReference? caBundle:y?',
  'admissionregistration/v1beta1.MatchCondition': 'name:s expression:s',
  'admissionregistration/v1beta1.MutatingWebhook':
    'name:s clientConfig:#admissionregistration/v1beta1.WebhookClientConfig rules:[]#admissionregistration/v1.RuleWithOperations? failurePolicy:*s? matchPolicy:*s? namespaceSelector:*#meta/v1.LabelSelector? objectSelector:*#meta/v1.LabelSelector? sideEffects:*s? timeoutSeconds:*i? admissionReviewVersions:[]s? reinvocationPolicy:*s? matchConditions:[]#admissionregistration/v1beta1.MatchCondition?',
  'admissionregistration/v1beta1.MutatingWebhookConfiguration':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? webhooks:[]#admissionregistration/v1beta1.MutatingWebhook?',
  'admissionregistration/v1beta1.ServiceReference': 'namespace:s name:s path:*s? port:*i?',
  'admissionregistration/v1beta1.ValidatingWebhook':
    'name:s clientConfig:#admissionregistration/v1beta1.WebhookClientConfig rules:[]#admissionregistration/v1.RuleWithOperations? failurePolicy:*s? matchPolicy:*s? namespaceSelector:*#meta/v1.LabelSelector? objectSelector:*#meta/v1.LabelSelector? sideEffects:*s? timeoutSeconds:*i? admissionReviewVersions:[]s? matchConditions:[]#admissionregistration/v1beta1.MatchCondition?',
  'admissionregistration/v1beta1.ValidatingWebhookConfiguration':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? webhooks:[]#admissionregistration/v1beta1.ValidatingWebhook?',
  'admissionregistration/v1beta1.WebhookClientConfig':
    'url:*s? service:*#admissionregistration/v1beta1.ServiceReference? caBundle:y?',
  'apiextensions/v1.CustomResourceColumnDefinition': 'name:s type:s format:s? description:s? priority:i? jsonPath:s',
  'apiextensions/v1.CustomResourceConversion': 'strategy:s webhook:*#apiextensions/v1.WebhookConversion?',
  'apiextensions/v1.CustomResourceDefinition':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? spec:#apiextensions/v1.CustomResourceDefinitionSpec status:#apiextensions/v1.CustomResourceDefinitionStatus?',
  'apiextensions/v1.CustomResourceDefinitionCondition':
    'type:s status:s lastTransitionTime:@time? reason:s? message:s? observedGeneration:i?',
  'apiextensions/v1.CustomResourceDefinitionNames':
    'plural:s singular:s? shortNames:[]s? kind:s listKind:s? categories:[]s?',
  'apiextensions/v1.CustomResourceDefinitionSpec':
    'group:s names:#apiextensions/v1.CustomResourceDefinitionNames scope:s versions:[]#apiextensions/v1.CustomResourceDefinitionVersion conversion:*#apiextensions/v1.CustomResourceConversion? preserveUnknownFields:b?',
  'apiextensions/v1.CustomResourceDefinitionStatus':
    'conditions:[]#apiextensions/v1.CustomResourceDefinitionCondition acceptedNames:#apiextensions/v1.CustomResourceDefinitionNames storedVersions:[]s observedGeneration:i?',
  'apiextensions/v1.CustomResourceDefinitionVersion':
    'name:s served:b storage:b deprecated:b? deprecationWarning:*s? schema:*#apiextensions/v1.CustomResourceValidation? subresources:*#apiextensions/v1.CustomResourceSubresources? additionalPrinterColumns:[]#apiextensions/v1.CustomResourceColumnDefinition? selectableFields:[]#apiextensions/v1.SelectableField?',
  'apiextensions/v1.CustomResourceSubresourceScale': 'specReplicasPath:s statusReplicasPath:s labelSelectorPath:*s?',
  'apiextensions/v1.CustomResourceSubresourceStatus': '',
  'apiextensions/v1.CustomResourceSubresources':
    'status:*#apiextensions/v1.CustomResourceSubresourceStatus? scale:*#apiextensions/v1.CustomResourceSubresourceScale?',
  'apiextensions/v1.CustomResourceValidation': 'openAPIV3Schema:*#apiextensions/v1.JSONSchemaProps?',
  'apiextensions/v1.ExternalDocumentation': 'description:s? url:s?',
  'apiextensions/v1.JSONSchemaProps':
    'id:s? $schema:s? $ref:*s? description:s? type:s? format:s? title:s? default:*@json? maximum:*f? exclusiveMaximum:b? minimum:*f? exclusiveMinimum:b? maxLength:*i? minLength:*i? pattern:s? maxItems:*i? minItems:*i? uniqueItems:b? multipleOf:*f? enum:[]@json? maxProperties:*i? minProperties:*i? required:[]s? items:*@orarray:apiextensions/v1.JSONSchemaProps? allOf:[]#apiextensions/v1.JSONSchemaProps? oneOf:[]#apiextensions/v1.JSONSchemaProps? anyOf:[]#apiextensions/v1.JSONSchemaProps? not:*#apiextensions/v1.JSONSchemaProps? properties:{}#apiextensions/v1.JSONSchemaProps? additionalProperties:*@orbool:apiextensions/v1.JSONSchemaProps? patternProperties:{}#apiextensions/v1.JSONSchemaProps? dependencies:{}@orstrings:apiextensions/v1.JSONSchemaProps? additionalItems:*@orbool:apiextensions/v1.JSONSchemaProps? definitions:{}#apiextensions/v1.JSONSchemaProps? externalDocs:*#apiextensions/v1.ExternalDocumentation? example:*@json? nullable:b? x-kubernetes-preserve-unknown-fields:*b? x-kubernetes-embedded-resource:b? x-kubernetes-int-or-string:b? x-kubernetes-list-map-keys:[]s? x-kubernetes-list-type:*s? x-kubernetes-map-type:*s? x-kubernetes-validations:[]#apiextensions/v1.ValidationRule?',
  'apiextensions/v1.SelectableField': 'jsonPath:s',
  'apiextensions/v1.ServiceReference': 'namespace:s name:s path:*s? port:*i?',
  'apiextensions/v1.ValidationRule':
    'rule:s message:s? messageExpression:s? reason:*s? fieldPath:s? optionalOldSelf:*b?',
  'apiextensions/v1.WebhookClientConfig': 'url:*s? service:*#apiextensions/v1.ServiceReference? caBundle:y?',
  'apiextensions/v1.WebhookConversion':
    'clientConfig:*#apiextensions/v1.WebhookClientConfig? conversionReviewVersions:[]s',
  'apiextensions/v1beta1.CustomResourceColumnDefinition':
    'name:s type:s format:s? description:s? priority:i? JSONPath:s',
  'apiextensions/v1beta1.CustomResourceConversion':
    'strategy:s webhookClientConfig:*#apiextensions/v1beta1.WebhookClientConfig? conversionReviewVersions:[]s?',
  'apiextensions/v1beta1.CustomResourceDefinition':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? spec:#apiextensions/v1beta1.CustomResourceDefinitionSpec status:#apiextensions/v1beta1.CustomResourceDefinitionStatus?',
  'apiextensions/v1beta1.CustomResourceDefinitionCondition':
    'type:s status:s lastTransitionTime:@time? reason:s? message:s? observedGeneration:i?',
  'apiextensions/v1beta1.CustomResourceDefinitionNames':
    'plural:s singular:s? shortNames:[]s? kind:s listKind:s? categories:[]s?',
  'apiextensions/v1beta1.CustomResourceDefinitionSpec':
    'group:s version:s? names:#apiextensions/v1beta1.CustomResourceDefinitionNames scope:s validation:*#apiextensions/v1beta1.CustomResourceValidation? subresources:*#apiextensions/v1beta1.CustomResourceSubresources? versions:[]#apiextensions/v1beta1.CustomResourceDefinitionVersion? additionalPrinterColumns:[]#apiextensions/v1beta1.CustomResourceColumnDefinition? selectableFields:[]#apiextensions/v1beta1.SelectableField? conversion:*#apiextensions/v1beta1.CustomResourceConversion? preserveUnknownFields:*b?',
  'apiextensions/v1beta1.CustomResourceDefinitionStatus':
    'conditions:[]#apiextensions/v1beta1.CustomResourceDefinitionCondition acceptedNames:#apiextensions/v1beta1.CustomResourceDefinitionNames storedVersions:[]s observedGeneration:i?',
  'apiextensions/v1beta1.CustomResourceDefinitionVersion':
    'name:s served:b storage:b deprecated:b? deprecationWarning:*s? schema:*#apiextensions/v1beta1.CustomResourceValidation? subresources:*#apiextensions/v1beta1.CustomResourceSubresources? additionalPrinterColumns:[]#apiextensions/v1beta1.CustomResourceColumnDefinition? selectableFields:[]#apiextensions/v1beta1.SelectableField?',
  'apiextensions/v1beta1.CustomResourceSubresourceScale':
    'specReplicasPath:s statusReplicasPath:s labelSelectorPath:*s?',
  'apiextensions/v1beta1.CustomResourceSubresourceStatus': '',
  'apiextensions/v1beta1.CustomResourceSubresources':
    'status:*#apiextensions/v1beta1.CustomResourceSubresourceStatus? scale:*#apiextensions/v1beta1.CustomResourceSubresourceScale?',
  'apiextensions/v1beta1.CustomResourceValidation': 'openAPIV3Schema:*#apiextensions/v1beta1.JSONSchemaProps?',
  'apiextensions/v1beta1.ExternalDocumentation': 'description:s? url:s?',
  'apiextensions/v1beta1.JSONSchemaProps':
    'id:s? $schema:s? $ref:*s? description:s? type:s? format:s? title:s? default:*@json? maximum:*f? exclusiveMaximum:b? minimum:*f? exclusiveMinimum:b? maxLength:*i? minLength:*i? pattern:s? maxItems:*i? minItems:*i? uniqueItems:b? multipleOf:*f? enum:[]@json? maxProperties:*i? minProperties:*i? required:[]s? items:*@orarray:apiextensions/v1beta1.JSONSchemaProps? allOf:[]#apiextensions/v1beta1.JSONSchemaProps? oneOf:[]#apiextensions/v1beta1.JSONSchemaProps? anyOf:[]#apiextensions/v1beta1.JSONSchemaProps? not:*#apiextensions/v1beta1.JSONSchemaProps? properties:{}#apiextensions/v1beta1.JSONSchemaProps? additionalProperties:*@orbool:apiextensions/v1beta1.JSONSchemaProps? patternProperties:{}#apiextensions/v1beta1.JSONSchemaProps? dependencies:{}@orstrings:apiextensions/v1beta1.JSONSchemaProps? additionalItems:*@orbool:apiextensions/v1beta1.JSONSchemaProps? definitions:{}#apiextensions/v1beta1.JSONSchemaProps? externalDocs:*#apiextensions/v1beta1.ExternalDocumentation? example:*@json? nullable:b? x-kubernetes-preserve-unknown-fields:*b? x-kubernetes-embedded-resource:b? x-kubernetes-int-or-string:b? x-kubernetes-list-map-keys:[]s? x-kubernetes-list-type:*s? x-kubernetes-map-type:*s? x-kubernetes-validations:[]#apiextensions/v1beta1.ValidationRule?',
  'apiextensions/v1beta1.SelectableField': 'jsonPath:s',
  'apiextensions/v1beta1.ServiceReference': 'namespace:s name:s path:*s? port:*i?',
  'apiextensions/v1beta1.ValidationRule':
    'rule:s message:s? messageExpression:s? reason:*s? fieldPath:s? optionalOldSelf:*b?',
  'apiextensions/v1beta1.WebhookClientConfig': 'url:*s? service:*#apiextensions/v1beta1.ServiceReference? caBundle:y?',
  'apps/v1.DaemonSet':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? spec:#apps/v1.DaemonSetSpec? status:#apps/v1.DaemonSetStatus?',
  'apps/v1.DaemonSetCondition': 'type:s status:s lastTransitionTime:@time? reason:s? message:s?',
  'apps/v1.DaemonSetSpec':
    'selector:*#meta/v1.LabelSelector template:#core/v1.PodTemplateSpec updateStrategy:#apps/v1.DaemonSetUpdateStrategy? minReadySeconds:i? revisionHistoryLimit:*i?',
  'apps/v1.DaemonSetStatus':
    'currentNumberScheduled:i numberMisscheduled:i desiredNumberScheduled:i numberReady:i observedGeneration:i? updatedNumberScheduled:i? numberAvailable:i? numberUnavailable:i? collisionCount:*i? conditions:[]#apps/v1.DaemonSetCondition?',
  'apps/v1.DaemonSetUpdateStrategy': 'type:s? rollingUpdate:*#apps/v1.RollingUpdateDaemonSet?',
  'apps/v1.Deployment':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? spec:#apps/v1.DeploymentSpec? status:#apps/v1.DeploymentStatus?',
  'apps/v1.DeploymentCondition': 'type:s status:s lastUpdateTime:@time? lastTransitionTime:@time? reason:s? message:s?',
  'apps/v1.DeploymentSpec':
    'replicas:*i? selector:*#meta/v1.LabelSelector template:#core/v1.PodTemplateSpec strategy:#apps/v1.DeploymentStrategy? minReadySeconds:i? revisionHistoryLimit:*i? paused:b? progressDeadlineSeconds:*i?',
  'apps/v1.DeploymentStatus':
    'observedGeneration:i? replicas:i? updatedReplicas:i? readyReplicas:i? availableReplicas:i? unavailableReplicas:i? terminatingReplicas:*i? conditions:[]#apps/v1.DeploymentCondition? collisionCount:*i?',
  'apps/v1.DeploymentStrategy': 'type:s? rollingUpdate:*#apps/v1.RollingUpdateDeployment?',
  'apps/v1.RollingUpdateDaemonSet': 'maxUnavailable:*@intorstr? maxSurge:*@intorstr?',
  'apps/v1.RollingUpdateDeployment': 'maxUnavailable:*@intorstr? maxSurge:*@intorstr?',
  'cluster/v1beta1.APIEndpoint': 'host:s port:i',
  'cluster/v1beta1.Cluster':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? spec:#cluster/v1beta1.ClusterSpec? status:#cluster/v1beta1.ClusterStatus?',
  'cluster/v1beta1.ClusterAvailabilityGate': 'conditionType:s polarity:s?',
  'cluster/v1beta1.ClusterControlPlaneStatus':
    'desiredReplicas:*i? replicas:*i? upToDateReplicas:*i? readyReplicas:*i? availableReplicas:*i?',
  'cluster/v1beta1.ClusterNetwork':
    'apiServerPort:*i? services:*#cluster/v1beta1.NetworkRanges? pods:*#cluster/v1beta1.NetworkRanges? serviceDomain:s?',
  'cluster/v1beta1.ClusterSpec':
    'paused:b? clusterNetwork:*#cluster/v1beta1.ClusterNetwork? controlPlaneEndpoint:#cluster/v1beta1.APIEndpoint? controlPlaneRef:*#core/v1.ObjectReference? infrastructureRef:*#core/v1.ObjectReference? topology:*#cluster/v1beta1.Topology? availabilityGates:[]#cluster/v1beta1.ClusterAvailabilityGate?',
  'cluster/v1beta1.ClusterStatus':
    'failureDomains:{}#cluster/v1beta1.FailureDomainSpec? failureReason:*s? failureMessage:*s? phase:s? infrastructureReady:b controlPlaneReady:b conditions:[]#cluster/v1beta1.Condition? observedGeneration:i? v1beta2:*#cluster/v1beta1.ClusterV1Beta2Status?',
  'cluster/v1beta1.ClusterV1Beta2Status':
    'conditions:[]#meta/v1.Condition? controlPlane:*#cluster/v1beta1.ClusterControlPlaneStatus? workers:*#cluster/v1beta1.WorkersStatus?',
  'cluster/v1beta1.ClusterVariable': 'name:s definitionFrom:s? value:@json',
  'cluster/v1beta1.Condition': 'type:s status:s severity:s? lastTransitionTime:@time reason:s? message:s?',
  'cluster/v1beta1.ControlPlaneTopology':
    'metadata:#cluster/v1beta1.ObjectMeta? replicas:*i? rollout:#cluster/v1beta1.ControlPlaneTopologyRolloutSpec?! machineHealthCheck:*#cluster/v1beta1.MachineHealthCheckTopology? nodeDrainTimeout:*@duration? nodeVolumeDetachTimeout:*@duration? nodeDeletionTimeout:*@duration? taints:[]#cluster/v1beta1.MachineTaint? readinessGates:[]#cluster/v1beta1.MachineReadinessGate? variables:*#cluster/v1beta1.ControlPlaneVariables?',
  'cluster/v1beta1.ControlPlaneTopologyRolloutSpec': 'after:@time?!',
  'cluster/v1beta1.ControlPlaneVariables': 'overrides:[]#cluster/v1beta1.ClusterVariable?',
  'cluster/v1beta1.FailureDomainSpec': 'controlPlane:b? attributes:{}s?',
  'cluster/v1beta1.MachineDeploymentStrategy':
    'type:s? rollingUpdate:*#cluster/v1beta1.MachineRollingUpdateDeployment? remediation:*#cluster/v1beta1.RemediationStrategy?',
  'cluster/v1beta1.MachineDeploymentTopology':
    'metadata:#cluster/v1beta1.ObjectMeta? class:s name:s failureDomain:*s? replicas:*i? machineHealthCheck:*#cluster/v1beta1.MachineHealthCheckTopology? nodeDrainTimeout:*@duration? nodeVolumeDetachTimeout:*@duration? nodeDeletionTimeout:*@duration? taints:[]#cluster/v1beta1.MachineTaint? minReadySeconds:*i? readinessGates:[]#cluster/v1beta1.MachineReadinessGate? rollout:#cluster/v1beta1.MachineDeploymentTopologyRolloutSpec?! strategy:*#cluster/v1beta1.MachineDeploymentStrategy? variables:*#cluster/v1beta1.MachineDeploymentVariables?',
  'cluster/v1beta1.MachineDeploymentTopologyRolloutSpec': 'after:@time?!',
  'cluster/v1beta1.MachineDeploymentVariables': 'overrides:[]#cluster/v1beta1.ClusterVariable?',
  'cluster/v1beta1.MachineHealthCheckClass':
    'unhealthyConditions:[]#cluster/v1beta1.UnhealthyCondition? unhealthyMachineConditions:[]#cluster/v1beta1.UnhealthyMachineCondition? maxUnhealthy:*@intorstr? unhealthyRange:*s? nodeStartupTimeout:*@duration? remediationTemplate:*#core/v1.ObjectReference?',
  'cluster/v1beta1.MachineHealthCheckTopology': 'enable:*b? :#cluster/v1beta1.MachineHealthCheckClass',
  'cluster/v1beta1.MachinePoolTopology':
    'metadata:#cluster/v1beta1.ObjectMeta? class:s name:s failureDomains:[]s? nodeDrainTimeout:*@duration? nodeVolumeDetachTimeout:*@duration? nodeDeletionTimeout:*@duration? taints:[]#cluster/v1beta1.MachineTaint? minReadySeconds:*i? replicas:*i? variables:*#cluster/v1beta1.MachinePoolVariables?',
  'cluster/v1beta1.MachinePoolVariables': 'overrides:[]#cluster/v1beta1.ClusterVariable?',
  'cluster/v1beta1.MachineReadinessGate': 'conditionType:s polarity:s?',
  'cluster/v1beta1.MachineRollingUpdateDeployment': 'maxUnavailable:*@intorstr? maxSurge:*@intorstr? deletePolicy:*s?',
  'cluster/v1beta1.MachineTaint': 'key:s? value:s? effect:s? propagation:s?',
  'cluster/v1beta1.NetworkRanges': 'cidrBlocks:[]s',
  'cluster/v1beta1.ObjectMeta': 'labels:{}s? annotations:{}s?',
  'cluster/v1beta1.RemediationStrategy': 'maxInFlight:*@intorstr?',
  'cluster/v1beta1.Topology':
    'class:s classNamespace:s? version:s rolloutAfter:*@time? controlPlane:#cluster/v1beta1.ControlPlaneTopology? workers:*#cluster/v1beta1.WorkersTopology? variables:[]#cluster/v1beta1.ClusterVariable?',
  'cluster/v1beta1.UnhealthyCondition': 'type:s status:s timeout:@duration',
  'cluster/v1beta1.UnhealthyMachineCondition': 'type:s? status:s? timeout:@duration',
  'cluster/v1beta1.WorkersStatus':
    'desiredReplicas:*i? replicas:*i? upToDateReplicas:*i? readyReplicas:*i? availableReplicas:*i?',
  'cluster/v1beta1.WorkersTopology':
    'machineDeployments:[]#cluster/v1beta1.MachineDeploymentTopology? machinePools:[]#cluster/v1beta1.MachinePoolTopology?',
  'cluster/v1beta2.APIEndpoint': 'host:s? port:i?',
  'cluster/v1beta2.Cluster':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? spec:#cluster/v1beta2.ClusterSpec?! status:#cluster/v1beta2.ClusterStatus?!',
  'cluster/v1beta2.ClusterAvailabilityGate': 'conditionType:s? polarity:s?',
  'cluster/v1beta2.ClusterClassRef': 'name:s? namespace:s?',
  'cluster/v1beta2.ClusterControlPlaneStatus':
    'desiredReplicas:*i? replicas:*i? upToDateReplicas:*i? readyReplicas:*i? availableReplicas:*i?',
  'cluster/v1beta2.ClusterDeprecatedStatus': 'v1beta1:*#cluster/v1beta2.ClusterV1Beta1DeprecatedStatus?',
  'cluster/v1beta2.ClusterInitializationStatus': 'infrastructureProvisioned:*b? controlPlaneInitialized:*b?',
  'cluster/v1beta2.ClusterNetwork':
    'apiServerPort:i? services:#cluster/v1beta2.NetworkRanges?! pods:#cluster/v1beta2.NetworkRanges?! serviceDomain:s?',
  'cluster/v1beta2.ClusterSpec':
    'paused:*b? clusterNetwork:#cluster/v1beta2.ClusterNetwork?! controlPlaneEndpoint:#cluster/v1beta2.APIEndpoint?! controlPlaneRef:#cluster/v1beta2.ContractVersionedObjectReference?! infrastructureRef:#cluster/v1beta2.ContractVersionedObjectReference?! topology:#cluster/v1beta2.Topology?! availabilityGates:[]#cluster/v1beta2.ClusterAvailabilityGate?',
  'cluster/v1beta2.ClusterStatus':
    'conditions:[]#meta/v1.Condition? initialization:#cluster/v1beta2.ClusterInitializationStatus?! controlPlane:*#cluster/v1beta2.ClusterControlPlaneStatus? workers:*#cluster/v1beta2.WorkersStatus? failureDomains:[]#cluster/v1beta2.FailureDomain? phase:s? observedGeneration:i? deprecated:*#cluster/v1beta2.ClusterDeprecatedStatus?',
  'cluster/v1beta2.ClusterV1Beta1DeprecatedStatus':
    'conditions:[]#cluster/v1beta2.Condition? failureReason:*s? failureMessage:*s?',
  'cluster/v1beta2.ClusterVariable': 'name:s? value:@json?!',
  'cluster/v1beta2.Condition': 'type:s status:s severity:s? lastTransitionTime:@time reason:s? message:s?',
  'cluster/v1beta2.ContractVersionedObjectReference': 'kind:s? name:s? apiGroup:s?',
  'cluster/v1beta2.ControlPlaneTopology':
    'metadata:#cluster/v1beta2.ObjectMeta?! replicas:*i? rollout:#cluster/v1beta2.ControlPlaneTopologyRolloutSpec?! healthCheck:#cluster/v1beta2.ControlPlaneTopologyHealthCheck?! deletion:#cluster/v1beta2.ControlPlaneTopologyMachineDeletionSpec?! taints:[]#cluster/v1beta2.MachineTaint? readinessGates:[]#cluster/v1beta2.MachineReadinessGate? variables:#cluster/v1beta2.ControlPlaneVariables?!',
  'cluster/v1beta2.ControlPlaneTopologyHealthCheck':
    'enabled:*b? checks:#cluster/v1beta2.ControlPlaneTopologyHealthCheckChecks?! remediation:#cluster/v1beta2.ControlPlaneTopologyHealthCheckRemediation?!',
  'cluster/v1beta2.ControlPlaneTopologyHealthCheckChecks':
    'nodeStartupTimeoutSeconds:*i? unhealthyNodeConditions:[]#cluster/v1beta2.UnhealthyNodeCondition? unhealthyMachineConditions:[]#cluster/v1beta2.UnhealthyMachineCondition?',
  'cluster/v1beta2.ControlPlaneTopologyHealthCheckRemediation':
    'triggerIf:#cluster/v1beta2.ControlPlaneTopologyHealthCheckRemediationTriggerIf?! templateRef:#cluster/v1beta2.MachineHealthCheckRemediationTemplateReference?!',
  'cluster/v1beta2.ControlPlaneTopologyHealthCheckRemediationTriggerIf':
    'unhealthyLessThanOrEqualTo:*@intorstr? unhealthyInRange:s?',
  'cluster/v1beta2.ControlPlaneTopologyMachineDeletionSpec':
    'nodeDrainTimeoutSeconds:*i? nodeVolumeDetachTimeoutSeconds:*i? nodeDeletionTimeoutSeconds:*i?',
  'cluster/v1beta2.ControlPlaneTopologyRolloutSpec': 'after:@time?!',
  'cluster/v1beta2.ControlPlaneVariables': 'overrides:[]#cluster/v1beta2.ClusterVariable?',
  'cluster/v1beta2.FailureDomain': 'name:s? controlPlane:*b? attributes:{}s?',
  'cluster/v1beta2.MachineDeploymentTopology':
    'metadata:#cluster/v1beta2.ObjectMeta?! class:s? name:s? failureDomain:s? replicas:*i? healthCheck:#cluster/v1beta2.MachineDeploymentTopologyHealthCheck?! deletion:#cluster/v1beta2.MachineDeploymentTopologyMachineDeletionSpec?! taints:[]#cluster/v1beta2.MachineTaint? minReadySeconds:*i? readinessGates:[]#cluster/v1beta2.MachineReadinessGate? rollout:#cluster/v1beta2.MachineDeploymentTopologyRolloutSpec?! variables:#cluster/v1beta2.MachineDeploymentVariables?!',
  'cluster/v1beta2.MachineDeploymentTopologyHealthCheck':
    'enabled:*b? checks:#cluster/v1beta2.MachineDeploymentTopologyHealthCheckChecks?! remediation:#cluster/v1beta2.MachineDeploymentTopologyHealthCheckRemediation?!',
  'cluster/v1beta2.MachineDeploymentTopologyHealthCheckChecks':
    'nodeStartupTimeoutSeconds:*i? unhealthyNodeConditions:[]#cluster/v1beta2.UnhealthyNodeCondition? unhealthyMachineConditions:[]#cluster/v1beta2.UnhealthyMachineCondition?',
  'cluster/v1beta2.MachineDeploymentTopologyHealthCheckRemediation':
    'maxInFlight:*@intorstr? triggerIf:#cluster/v1beta2.MachineDeploymentTopologyHealthCheckRemediationTriggerIf?! templateRef:#cluster/v1beta2.MachineHealthCheckRemediationTemplateReference?!',
  'cluster/v1beta2.MachineDeploymentTopologyHealthCheckRemediationTriggerIf':
    'unhealthyLessThanOrEqualTo:*@intorstr? unhealthyInRange:s?',
  'cluster/v1beta2.MachineDeploymentTopologyMachineDeletionSpec':
    'order:s? nodeDrainTimeoutSeconds:*i? nodeVolumeDetachTimeoutSeconds:*i? nodeDeletionTimeoutSeconds:*i?',
  'cluster/v1beta2.MachineDeploymentTopologyRolloutSpec':
    'after:@time?! strategy:#cluster/v1beta2.MachineDeploymentTopologyRolloutStrategy?!',
  'cluster/v1beta2.MachineDeploymentTopologyRolloutStrategy':
    'type:s? rollingUpdate:#cluster/v1beta2.MachineDeploymentTopologyRolloutStrategyRollingUpdate?!',
  'cluster/v1beta2.MachineDeploymentTopologyRolloutStrategyRollingUpdate':
    'maxUnavailable:*@intorstr? maxSurge:*@intorstr?',
  'cluster/v1beta2.MachineDeploymentVariables': 'overrides:[]#cluster/v1beta2.ClusterVariable?',
  'cluster/v1beta2.MachineHealthCheckRemediationTemplateReference': 'kind:s? name:s? apiVersion:s?',
  'cluster/v1beta2.MachinePoolTopology':
    'metadata:#cluster/v1beta2.ObjectMeta?! class:s? name:s? failureDomains:[]s? deletion:#cluster/v1beta2.MachinePoolTopologyMachineDeletionSpec?! taints:[]#cluster/v1beta2.MachineTaint? minReadySeconds:*i? replicas:*i? variables:#cluster/v1beta2.MachinePoolVariables?!',
  'cluster/v1beta2.MachinePoolTopologyMachineDeletionSpec':
    'nodeDrainTimeoutSeconds:*i? nodeVolumeDetachTimeoutSeconds:*i? nodeDeletionTimeoutSeconds:*i?',
  'cluster/v1beta2.MachinePoolVariables': 'overrides:[]#cluster/v1beta2.ClusterVariable?',
  'cluster/v1beta2.MachineReadinessGate': 'conditionType:s? polarity:s?',
  'cluster/v1beta2.MachineTaint': 'key:s? value:s? effect:s? propagation:s?',
  'cluster/v1beta2.NetworkRanges': 'cidrBlocks:[]s?',
  'cluster/v1beta2.ObjectMeta': 'labels:{}s? annotations:{}s?',
  'cluster/v1beta2.Topology':
    'classRef:#cluster/v1beta2.ClusterClassRef?! version:s? controlPlane:#cluster/v1beta2.ControlPlaneTopology?! workers:#cluster/v1beta2.WorkersTopology?! variables:[]#cluster/v1beta2.ClusterVariable?',
  'cluster/v1beta2.UnhealthyMachineCondition': 'type:s? status:s? timeoutSeconds:*i?',
  'cluster/v1beta2.UnhealthyNodeCondition': 'type:s? status:s? timeoutSeconds:*i?',
  'cluster/v1beta2.WorkersStatus':
    'desiredReplicas:*i? replicas:*i? upToDateReplicas:*i? readyReplicas:*i? availableReplicas:*i?',
  'cluster/v1beta2.WorkersTopology':
    'machineDeployments:[]#cluster/v1beta2.MachineDeploymentTopology? machinePools:[]#cluster/v1beta2.MachinePoolTopology?',
  'core/v1.AWSElasticBlockStoreVolumeSource': 'volumeID:s fsType:s? partition:i? readOnly:b?',
  'core/v1.Affinity':
    'nodeAffinity:*#core/v1.NodeAffinity? podAffinity:*#core/v1.PodAffinity? podAntiAffinity:*#core/v1.PodAntiAffinity?',
  'core/v1.AppArmorProfile': 'type:s localhostProfile:*s?',
  'core/v1.AzureDiskVolumeSource': 'diskName:s diskURI:s cachingMode:*s? fsType:*s? readOnly:*b? kind:*s?',
  'core/v1.AzureFileVolumeSource': 'secretName:s shareName:s readOnly:b?',
  'core/v1.CSIVolumeSource':
    'driver:s readOnly:*b? fsType:*s? volumeAttributes:{}s? nodePublishSecretRef:*#core/v1.LocalObjectReference?',
  'core/v1.Capabilities': 'add:[]s? drop:[]s?',
  'core/v1.CephFSVolumeSource':
    'monitors:[]s path:s? user:s? secretFile:s? secretRef:*#core/v1.LocalObjectReference? readOnly:b?',
  'core/v1.CinderVolumeSource': 'volumeID:s fsType:s? readOnly:b? secretRef:*#core/v1.LocalObjectReference?',
  'core/v1.ClusterTrustBundleProjection':
    'name:*s? signerName:*s? labelSelector:*#meta/v1.LabelSelector? optional:*b? path:s',
  'core/v1.ConfigMapEnvSource': ':#core/v1.LocalObjectReference optional:*b?',
  'core/v1.ConfigMapKeySelector': ':#core/v1.LocalObjectReference key:s optional:*b?',
  'core/v1.ConfigMapProjection': ':#core/v1.LocalObjectReference items:[]#core/v1.KeyToPath? optional:*b?',
  'core/v1.ConfigMapVolumeSource':
    ':#core/v1.LocalObjectReference items:[]#core/v1.KeyToPath? defaultMode:*i? optional:*b?',
  'core/v1.Container':
    'name:s image:s? command:[]s? args:[]s? workingDir:s? ports:[]#core/v1.ContainerPort? envFrom:[]#core/v1.EnvFromSource? env:[]#core/v1.EnvVar? resources:#core/v1.ResourceRequirements? resizePolicy:[]#core/v1.ContainerResizePolicy? restartPolicy:*s? restartPolicyRules:[]#core/v1.ContainerRestartRule? volumeMounts:[]#core/v1.VolumeMount? volumeDevices:[]#core/v1.VolumeDevice? livenessProbe:*#core/v1.Probe? readinessProbe:*#core/v1.Probe? startupProbe:*#core/v1.Probe? lifecycle:*#core/v1.Lifecycle? terminationMessagePath:s? terminationMessagePolicy:s? imagePullPolicy:s? securityContext:*#core/v1.SecurityContext? stdin:b? stdinOnce:b? tty:b?',
  'core/v1.ContainerPort': 'name:s? hostPort:i? containerPort:i protocol:s? hostIP:s?',
  'core/v1.ContainerResizePolicy': 'resourceName:s restartPolicy:s',
  'core/v1.ContainerRestartRule': 'action:s? exitCodes:*#core/v1.ContainerRestartRuleOnExitCodes?',
  'core/v1.ContainerRestartRuleOnExitCodes': 'operator:s? values:[]i?',
  'core/v1.DownwardAPIProjection': 'items:[]#core/v1.DownwardAPIVolumeFile?',
  'core/v1.DownwardAPIVolumeFile':
    'path:s fieldRef:*#core/v1.ObjectFieldSelector? resourceFieldRef:*#core/v1.ResourceFieldSelector? mode:*i?',
  'core/v1.DownwardAPIVolumeSource': 'items:[]#core/v1.DownwardAPIVolumeFile? defaultMode:*i?',
  'core/v1.EmptyDirVolumeSource': 'medium:s? sizeLimit:*@quantity?',
  'core/v1.EnvFromSource': 'prefix:s? configMapRef:*#core/v1.ConfigMapEnvSource? secretRef:*#core/v1.SecretEnvSource?',
  'core/v1.EnvVar': 'name:s value:s? valueFrom:*#core/v1.EnvVarSource?',
  'core/v1.EnvVarSource':
    'fieldRef:*#core/v1.ObjectFieldSelector? resourceFieldRef:*#core/v1.ResourceFieldSelector? configMapKeyRef:*#core/v1.ConfigMapKeySelector? secretKeyRef:*#core/v1.SecretKeySelector? fileKeyRef:*#core/v1.FileKeySelector?',
  'core/v1.EphemeralContainer': ':#core/v1.EphemeralContainerCommon targetContainerName:s?',
  'core/v1.EphemeralContainerCommon':
    'name:s image:s? command:[]s? args:[]s? workingDir:s? ports:[]#core/v1.ContainerPort? envFrom:[]#core/v1.EnvFromSource? env:[]#core/v1.EnvVar? resources:#core/v1.ResourceRequirements? resizePolicy:[]#core/v1.ContainerResizePolicy? restartPolicy:*s? restartPolicyRules:[]#core/v1.ContainerRestartRule? volumeMounts:[]#core/v1.VolumeMount? volumeDevices:[]#core/v1.VolumeDevice? livenessProbe:*#core/v1.Probe? readinessProbe:*#core/v1.Probe? startupProbe:*#core/v1.Probe? lifecycle:*#core/v1.Lifecycle? terminationMessagePath:s? terminationMessagePolicy:s? imagePullPolicy:s? securityContext:*#core/v1.SecurityContext? stdin:b? stdinOnce:b? tty:b?',
  'core/v1.EphemeralVolumeSource': 'volumeClaimTemplate:*#core/v1.PersistentVolumeClaimTemplate?',
  'core/v1.ExecAction': 'command:[]s?',
  'core/v1.FCVolumeSource': 'targetWWNs:[]s? lun:*i? fsType:s? readOnly:b? wwids:[]s?',
  'core/v1.FileKeySelector': 'volumeName:s path:s key:s optional:*b?',
  'core/v1.FlexVolumeSource': 'driver:s fsType:s? secretRef:*#core/v1.LocalObjectReference? readOnly:b? options:{}s?',
  'core/v1.FlockerVolumeSource': 'datasetName:s? datasetUUID:s?',
  'core/v1.GCEPersistentDiskVolumeSource': 'pdName:s fsType:s? partition:i? readOnly:b?',
  'core/v1.GRPCAction': 'port:i service:*s',
  'core/v1.GitRepoVolumeSource': 'repository:s revision:s? directory:s?',
  'core/v1.GlusterfsVolumeSource': 'endpoints:s path:s readOnly:b?',
  'core/v1.HTTPGetAction': 'path:s? port:@intorstr host:s? scheme:s? httpHeaders:[]#core/v1.HTTPHeader?',
  'core/v1.HTTPHeader': 'name:s value:s',
  'core/v1.HostAlias': 'ip:s hostnames:[]s?',
  'core/v1.HostPathVolumeSource': 'path:s type:*s?',
  'core/v1.ISCSIVolumeSource':
    'targetPortal:s iqn:s lun:i iscsiInterface:s? fsType:s? readOnly:b? portals:[]s? chapAuthDiscovery:b? chapAuthSession:b? secretRef:*#core/v1.LocalObjectReference? initiatorName:*s?',
  'core/v1.ImageVolumeSource': 'reference:s? pullPolicy:s?',
  'core/v1.KeyToPath': 'key:s path:s mode:*i?',
  'core/v1.Lifecycle': 'postStart:*#core/v1.LifecycleHandler? preStop:*#core/v1.LifecycleHandler? stopSignal:*s?',
  'core/v1.LifecycleHandler':
    'exec:*#core/v1.ExecAction? httpGet:*#core/v1.HTTPGetAction? tcpSocket:*#core/v1.TCPSocketAction? sleep:*#core/v1.SleepAction?',
  'core/v1.LocalObjectReference': 'name:s?',
  'core/v1.NFSVolumeSource': 'server:s path:s readOnly:b?',
  'core/v1.NodeAffinity':
    'requiredDuringSchedulingIgnoredDuringExecution:*#core/v1.NodeSelector? preferredDuringSchedulingIgnoredDuringExecution:[]#core/v1.PreferredSchedulingTerm?',
  'core/v1.NodeSelector': 'nodeSelectorTerms:[]#core/v1.NodeSelectorTerm',
  'core/v1.NodeSelectorRequirement': 'key:s operator:s values:[]s?',
  'core/v1.NodeSelectorTerm':
    'matchExpressions:[]#core/v1.NodeSelectorRequirement? matchFields:[]#core/v1.NodeSelectorRequirement?',
  'core/v1.ObjectFieldSelector': 'apiVersion:s? fieldPath:s',
  'core/v1.ObjectReference': 'kind:s? namespace:s? name:s? uid:s? apiVersion:s? resourceVersion:s? fieldPath:s?',
  'core/v1.PersistentVolumeClaimSpec':
    'accessModes:[]s? selector:*#meta/v1.LabelSelector? resources:#core/v1.VolumeResourceRequirements? volumeName:s? storageClassName:*s? volumeMode:*s? dataSource:*#core/v1.TypedLocalObjectReference? dataSourceRef:*#core/v1.TypedObjectReference? volumeAttributesClassName:*s?',
  'core/v1.PersistentVolumeClaimTemplate': 'metadata:#meta/v1.ObjectMeta? spec:#core/v1.PersistentVolumeClaimSpec',
  'core/v1.PersistentVolumeClaimVolumeSource': 'claimName:s readOnly:b?',
  'core/v1.PhotonPersistentDiskVolumeSource': 'pdID:s fsType:s?',
  'core/v1.PodAffinity':
    'requiredDuringSchedulingIgnoredDuringExecution:[]#core/v1.PodAffinityTerm? preferredDuringSchedulingIgnoredDuringExecution:[]#core/v1.WeightedPodAffinityTerm?',
  'core/v1.PodAffinityTerm':
    'labelSelector:*#meta/v1.LabelSelector? namespaces:[]s? topologyKey:s namespaceSelector:*#meta/v1.LabelSelector? matchLabelKeys:[]s? mismatchLabelKeys:[]s?',
  'core/v1.PodAntiAffinity':
    'requiredDuringSchedulingIgnoredDuringExecution:[]#core/v1.PodAffinityTerm? preferredDuringSchedulingIgnoredDuringExecution:[]#core/v1.WeightedPodAffinityTerm?',
  'core/v1.PodCertificateProjection':
    'signerName:s? keyType:s? maxExpirationSeconds:*i? credentialBundlePath:s? keyPath:s? certificateChainPath:s? userAnnotations:{}s?',
  'core/v1.PodDNSConfig': 'nameservers:[]s? searches:[]s? options:[]#core/v1.PodDNSConfigOption?',
  'core/v1.PodDNSConfigOption': 'name:s? value:*s?',
  'core/v1.PodOS': 'name:s',
  'core/v1.PodReadinessGate': 'conditionType:s',
  'core/v1.PodResourceClaim': 'name:s resourceClaimName:*s? resourceClaimTemplateName:*s?',
  'core/v1.PodSchedulingGate': 'name:s',
  'core/v1.PodSecurityContext':
    'seLinuxOptions:*#core/v1.SELinuxOptions? windowsOptions:*#core/v1.WindowsSecurityContextOptions? runAsUser:*i? runAsGroup:*i? runAsNonRoot:*b? supplementalGroups:[]i? supplementalGroupsPolicy:*s? fsGroup:*i? sysctls:[]#core/v1.Sysctl? fsGroupChangePolicy:*s? seccompProfile:*#core/v1.SeccompProfile? appArmorProfile:*#core/v1.AppArmorProfile? seLinuxChangePolicy:*s?',
  'core/v1.PodSpec':
    'volumes:[]#core/v1.Volume? initContainers:[]#core/v1.Container? containers:[]#core/v1.Container ephemeralContainers:[]#core/v1.EphemeralContainer? restartPolicy:s? terminationGracePeriodSeconds:*i? activeDeadlineSeconds:*i? dnsPolicy:s? nodeSelector:{}s? serviceAccountName:s? serviceAccount:s? automountServiceAccountToken:*b? nodeName:s? hostNetwork:b? hostPID:b? hostIPC:b? shareProcessNamespace:*b? securityContext:*#core/v1.PodSecurityContext? imagePullSecrets:[]#core/v1.LocalObjectReference? hostname:s? subdomain:s? affinity:*#core/v1.Affinity? schedulerName:s? tolerations:[]#core/v1.Toleration? hostAliases:[]#core/v1.HostAlias? priorityClassName:s? priority:*i? dnsConfig:*#core/v1.PodDNSConfig? readinessGates:[]#core/v1.PodReadinessGate? runtimeClassName:*s? enableServiceLinks:*b? preemptionPolicy:*s? overhead:{}@quantity? topologySpreadConstraints:[]#core/v1.TopologySpreadConstraint? setHostnameAsFQDN:*b? os:*#core/v1.PodOS? hostUsers:*b? schedulingGates:[]#core/v1.PodSchedulingGate? resourceClaims:[]#core/v1.PodResourceClaim? resources:*#core/v1.ResourceRequirements? hostnameOverride:*s? workloadRef:*#core/v1.WorkloadReference?',
  'core/v1.PodTemplateSpec': 'metadata:#meta/v1.ObjectMeta? spec:#core/v1.PodSpec?',
  'core/v1.PortworxVolumeSource': 'volumeID:s fsType:s? readOnly:b?',
  'core/v1.PreferredSchedulingTerm': 'weight:i preference:#core/v1.NodeSelectorTerm',
  'core/v1.Probe':
    ':#core/v1.ProbeHandler initialDelaySeconds:i? timeoutSeconds:i? periodSeconds:i? successThreshold:i? failureThreshold:i? terminationGracePeriodSeconds:*i?',
  'core/v1.ProbeHandler':
    'exec:*#core/v1.ExecAction? httpGet:*#core/v1.HTTPGetAction? tcpSocket:*#core/v1.TCPSocketAction? grpc:*#core/v1.GRPCAction?',
  'core/v1.ProjectedVolumeSource': 'sources:[]#core/v1.VolumeProjection defaultMode:*i?',
  'core/v1.QuobyteVolumeSource': 'registry:s volume:s readOnly:b? user:s? group:s? tenant:s?',
  'core/v1.RBDVolumeSource':
    'monitors:[]s image:s fsType:s? pool:s? user:s? keyring:s? secretRef:*#core/v1.LocalObjectReference? readOnly:b?',
  'core/v1.ResourceClaim': 'name:s request:s?',
  'core/v1.ResourceFieldSelector': 'containerName:s? resource:s divisor:@quantity?',
  'core/v1.ResourceRequirements': 'limits:{}@quantity? requests:{}@quantity? claims:[]#core/v1.ResourceClaim?',
  'core/v1.SELinuxOptions': 'user:s? role:s? type:s? level:s?',
  'core/v1.ScaleIOVolumeSource':
    'gateway:s system:s secretRef:*#core/v1.LocalObjectReference sslEnabled:b? protectionDomain:s? storagePool:s? storageMode:s? volumeName:s? fsType:s? readOnly:b?',
  'core/v1.SeccompProfile': 'type:s localhostProfile:*s?',
  'core/v1.SecretEnvSource': ':#core/v1.LocalObjectReference optional:*b?',
  'core/v1.SecretKeySelector': ':#core/v1.LocalObjectReference key:s optional:*b?',
  'core/v1.SecretProjection': ':#core/v1.LocalObjectReference items:[]#core/v1.KeyToPath? optional:*b?',
  'core/v1.SecretVolumeSource': 'secretName:s? items:[]#core/v1.KeyToPath? defaultMode:*i? optional:*b?',
  'core/v1.SecurityContext':
    'capabilities:*#core/v1.Capabilities? privileged:*b? seLinuxOptions:*#core/v1.SELinuxOptions? windowsOptions:*#core/v1.WindowsSecurityContextOptions? runAsUser:*i? runAsGroup:*i? runAsNonRoot:*b? readOnlyRootFilesystem:*b? allowPrivilegeEscalation:*b? procMount:*s? seccompProfile:*#core/v1.SeccompProfile? appArmorProfile:*#core/v1.AppArmorProfile?',
  'core/v1.ServiceAccountTokenProjection': 'audience:s? expirationSeconds:*i? path:s',
  'core/v1.SleepAction': 'seconds:i',
  'core/v1.StorageOSVolumeSource':
    'volumeName:s? volumeNamespace:s? fsType:s? readOnly:b? secretRef:*#core/v1.LocalObjectReference?',
  'core/v1.Sysctl': 'name:s value:s',
  'core/v1.TCPSocketAction': 'port:@intorstr host:s?',
  'core/v1.Toleration': 'key:s? operator:s? value:s? effect:s? tolerationSeconds:*i?',
  'core/v1.TopologySpreadConstraint':
    'maxSkew:i topologyKey:s whenUnsatisfiable:s labelSelector:*#meta/v1.LabelSelector? minDomains:*i? nodeAffinityPolicy:*s? nodeTaintsPolicy:*s? matchLabelKeys:[]s?',
  'core/v1.TypedLocalObjectReference': 'apiGroup:*s kind:s name:s',
  'core/v1.TypedObjectReference': 'apiGroup:*s kind:s name:s namespace:*s?',
  'core/v1.Volume': 'name:s :#core/v1.VolumeSource',
  'core/v1.VolumeDevice': 'name:s devicePath:s',
  'core/v1.VolumeMount':
    'name:s readOnly:b? recursiveReadOnly:*s? mountPath:s subPath:s? mountPropagation:*s? subPathExpr:s?',
  'core/v1.VolumeProjection':
    'secret:*#core/v1.SecretProjection? downwardAPI:*#core/v1.DownwardAPIProjection? configMap:*#core/v1.ConfigMapProjection? serviceAccountToken:*#core/v1.ServiceAccountTokenProjection? clusterTrustBundle:*#core/v1.ClusterTrustBundleProjection? podCertificate:*#core/v1.PodCertificateProjection?',
  'core/v1.VolumeResourceRequirements': 'limits:{}@quantity? requests:{}@quantity?',
  'core/v1.VolumeSource':
    'hostPath:*#core/v1.HostPathVolumeSource? emptyDir:*#core/v1.EmptyDirVolumeSource? gcePersistentDisk:*#core/v1.GCEPersistentDiskVolumeSource? awsElasticBlockStore:*#core/v1.AWSElasticBlockStoreVolumeSource? gitRepo:*#core/v1.GitRepoVolumeSource? secret:*#core/v1.SecretVolumeSource? nfs:*#core/v1.NFSVolumeSource? iscsi:*#core/v1.ISCSIVolumeSource? glusterfs:*#core/v1.GlusterfsVolumeSource? persistentVolumeClaim:*#core/v1.PersistentVolumeClaimVolumeSource? rbd:*#core/v1.RBDVolumeSource? flexVolume:*#core/v1.FlexVolumeSource? cinder:*#core/v1.CinderVolumeSource? cephfs:*#core/v1.CephFSVolumeSource? flocker:*#core/v1.FlockerVolumeSource? downwardAPI:*#core/v1.DownwardAPIVolumeSource? fc:*#core/v1.FCVolumeSource? azureFile:*#core/v1.AzureFileVolumeSource? configMap:*#core/v1.ConfigMapVolumeSource? vsphereVolume:*#core/v1.VsphereVirtualDiskVolumeSource? quobyte:*#core/v1.QuobyteVolumeSource? azureDisk:*#core/v1.AzureDiskVolumeSource? photonPersistentDisk:*#core/v1.PhotonPersistentDiskVolumeSource? projected:*#core/v1.ProjectedVolumeSource? portworxVolume:*#core/v1.PortworxVolumeSource? scaleIO:*#core/v1.ScaleIOVolumeSource? storageos:*#core/v1.StorageOSVolumeSource? csi:*#core/v1.CSIVolumeSource? ephemeral:*#core/v1.EphemeralVolumeSource? image:*#core/v1.ImageVolumeSource?',
  'core/v1.VsphereVirtualDiskVolumeSource': 'volumePath:s fsType:s? storagePolicyName:s? storagePolicyID:s?',
  'core/v1.WeightedPodAffinityTerm': 'weight:i podAffinityTerm:#core/v1.PodAffinityTerm',
  'core/v1.WindowsSecurityContextOptions':
    'gmsaCredentialSpecName:*s? gmsaCredentialSpec:*s? runAsUserName:*s? hostProcess:*b?',
  'core/v1.WorkloadReference': 'name:s podGroup:s podGroupReplicaKey:s?',
  'meta/v1.Condition': 'type:s status:s observedGeneration:i? lastTransitionTime:@time reason:s message:s',
  'meta/v1.LabelSelector': 'matchLabels:{}s? matchExpressions:[]#meta/v1.LabelSelectorRequirement?',
  'meta/v1.LabelSelectorRequirement': 'key:s operator:s values:[]s?',
  'meta/v1.ManagedFieldsEntry':
    'manager:s? operation:s? apiVersion:s? time:*@time? fieldsType:s? fieldsV1:*@json? subresource:s?',
  'meta/v1.ObjectMeta':
    'name:s? generateName:s? namespace:s? selfLink:s? uid:s? resourceVersion:s? generation:i? creationTimestamp:@time?! deletionTimestamp:*@time? deletionGracePeriodSeconds:*i? labels:{}s? annotations:{}s? ownerReferences:[]#meta/v1.OwnerReference? finalizers:[]s? managedFields:[]#meta/v1.ManagedFieldsEntry?',
  'meta/v1.OwnerReference': 'apiVersion:s kind:s name:s uid:s controller:*b? blockOwnerDeletion:*b?',
  'meta/v1.TypeMeta': 'kind:s? apiVersion:s?',
  'rbac/v1.ClusterRoleBinding':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? subjects:[]#rbac/v1.Subject? roleRef:#rbac/v1.RoleRef',
  'rbac/v1.RoleBinding':
    ':#meta/v1.TypeMeta metadata:#meta/v1.ObjectMeta? subjects:[]#rbac/v1.Subject? roleRef:#rbac/v1.RoleRef',
  'rbac/v1.RoleRef': 'apiGroup:s kind:s name:s',
  'rbac/v1.Subject': 'kind:s apiGroup:s? name:s namespace:s?',
};
