import FuzzSupport

// libFuzzer over the andotp reader.
FuzzSupport.main(reading: "andotp")
