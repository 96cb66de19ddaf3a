import FuzzSupport

// libFuzzer over the keepass reader (the header; no password is given, so no key is derived).
FuzzSupport.main(reading: "keepass")
