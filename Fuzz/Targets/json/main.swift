import FuzzSupport

// libFuzzer over JSONTapeDecoder, checked against Foundation's JSONDecoder on every input.
FuzzSupport.main(reading: FuzzSupport.jsonDifferential)
