import FuzzSupport

// libFuzzer over the qr reader.
FuzzSupport.main(reading: "qr")
