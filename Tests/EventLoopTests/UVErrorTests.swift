import EventLoop
import Foundation
import Testing

/// Which errors say the process itself ran out of something, as opposed to
/// something about the peer.
@Suite struct UVErrorTests {
    @Test(arguments: [EMFILE, ENFILE, EADDRNOTAVAIL, ENOBUFS, ENOMEM])
    func theProcessRunningOutIsLocalExhaustion(code: Int32) {
        #expect(UVError(errno: code).isLocalResourceExhaustion)
    }

    @Test(arguments: [ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ECONNRESET, ENETUNREACH])
    func thePeersFailuresAreNot(code: Int32) {
        #expect(!UVError(errno: code).isLocalResourceExhaustion)
    }

    @Test func theNameSaysWhatRanOut() {
        #expect(UVError(errno: EMFILE).name == "EMFILE")
    }
}
