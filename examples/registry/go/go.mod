module qvm.example/registry

go 1.19
