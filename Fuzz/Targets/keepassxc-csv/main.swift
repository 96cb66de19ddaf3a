import FuzzSupport

// libFuzzer over the keepassxc-csv reader.
FuzzSupport.main(reading: "keepassxc-csv")
