package storetest

var sessionTests = []test{}
