module qvmtest

go 1.19
