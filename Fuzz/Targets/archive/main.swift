import FuzzSupport

// libFuzzer over the archive reader (zip, 7z, tar and compressed files, read through libarchive).
FuzzSupport.main(reading: "archive")
