// Library users import OTPBridge alone: the vocabulary (Account, Secret, ReadContext, …) comes with it.
@_exported import OTPCore
