module qvm.local/sdk

go 1.19
