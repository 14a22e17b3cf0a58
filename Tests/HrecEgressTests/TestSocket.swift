import Foundation

/// A blocking IPv4 TCP socket on 127.0.0.1 with a 5 s receive timeout, for driving the proxy in tests.
final class TestSocket: @unchecked Sendable {
    // @unchecked Sendable: each instance is used by one test task at a time.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    let descriptor: Int32
    private(set) var port: UInt16 = 0
    private var closed = false

    private init(_ descriptor: Int32) throws {
        self.descriptor = descriptor
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    /// Closes once (a second close could hit a descriptor number the proxy reuses meanwhile).
    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    private static func address(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A listening socket on a free port.
    static func listen() throws -> TestSocket {
        let socket = try TestSocket(Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0))
        var address = address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket.descriptor, $0, length) == 0 && getsockname(socket.descriptor, $0, &length) == 0 }
        }
        guard bound, Glibc.listen(socket.descriptor, 16) == 0 else { throw Failure("cannot listen: errno \(errno)") }
        socket.port = UInt16(bigEndian: address.sin_port)
        return socket
    }

    /// A connection to 127.0.0.1:`port`.
    static func connect(port: UInt16) throws -> TestSocket {
        let socket = try TestSocket(Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0))
        var address = address(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw Failure("cannot connect to port \(port): errno \(errno)") }
        return socket
    }

    /// The next connection on a listening socket.
    func accept() throws -> TestSocket {
        let client = Glibc.accept(descriptor, nil, nil)
        guard client >= 0 else { throw Failure("accept failed: errno \(errno)") }
        return try TestSocket(client)
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw Failure("send failed: errno \(errno)") }
    }

    /// Closes the sending side (the peer reads end of stream) and keeps receiving.
    func shutdownWrite() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// Exactly `count` bytes (fewer at end of stream).
    func read(count: Int) throws -> String {
        var result: [UInt8] = []
        while result.count < count {
            let chunk = try receive(max: count - result.count)
            if chunk.isEmpty { break }
            result += chunk
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Everything until the peer closes; throws when nothing closes it within the timeout.
    func readToEnd() throws -> String {
        var result: [UInt8] = []
        while true {
            let chunk = try receive(max: 65536)
            if chunk.isEmpty { return String(decoding: result, as: UTF8.self) }
            result += chunk
        }
    }

    private func receive(max: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max)
        let count = recv(descriptor, &buffer, max, 0)
        if count < 0 { throw Failure(errno == EAGAIN ? "timed out waiting for the proxy" : "recv failed: errno \(errno) (ECONNRESET is \(ECONNRESET))") }
        return Array(buffer.prefix(count))
    }
}
