module clusterctl-ts.local/envsubst-oracle

go 1.22

require github.com/drone/envsubst/v2 v2.0.0-20210730161058-179042472c46
