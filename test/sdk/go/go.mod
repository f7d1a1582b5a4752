module sdktest

go 1.19

require qvm.local/sdk v0.0.0

replace qvm.local/sdk => ../../../sdk/go
