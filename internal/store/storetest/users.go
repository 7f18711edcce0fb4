package storetest

var userTests = []test{}
