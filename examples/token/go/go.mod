module qvm.example/token

go 1.19
