internal import CUV

/// Owns the heap memory of one libuv handle of type `T` and the Swift object
/// its `data` field points at.
///
/// libuv may touch a handle until its close callback runs, so the memory is
/// freed there, never earlier; the owner is retained until then as well, so
/// callbacks that arrive while closing still find a live object.
final class Handle<T> {
    let pointer: UnsafeMutablePointer<T>
    private(set) var isClosing = false

    init() {
        let bytes = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<T>.size)
        pointer = bytes.bindMemory(to: T.self, capacity: 1)
    }

    var raw: UnsafeMutablePointer<uv_handle_t> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_handle_t.self)
    }

    /// Points the handle's `data` at `owner`, retaining it until close.
    func attach(_ owner: AnyObject) {
        raw.pointee.data = Unmanaged.passRetained(owner).toOpaque()
    }

    /// Closes the handle; memory and owner are released in the close callback.
    func close() {
        guard !isClosing else { return }
        isClosing = true
        uv_close(raw) { handle in
            guard let handle else { return }
            if let data = handle.pointee.data {
                Unmanaged<AnyObject>.fromOpaque(data).release()
            }
            UnsafeMutableRawPointer(handle).deallocate()
        }
    }
}

/// The Swift object that a libuv callback's handle belongs to.
func handleOwner<Owner: AnyObject>(_ handle: UnsafeMutableRawPointer?, as _: Owner.Type) -> Owner? {
    guard let data = handle?.assumingMemoryBound(to: uv_handle_t.self).pointee.data else { return nil }
    return Unmanaged<Owner>.fromOpaque(data).takeUnretainedValue()
}
