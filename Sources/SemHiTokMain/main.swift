import SemHiTokCLI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(SemHiTokCommandLine.run(Array(CommandLine.arguments.dropFirst())))
