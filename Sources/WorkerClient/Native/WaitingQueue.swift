/// Transfers waiting for a connection to their worker, first come first
/// served; one that stops waiting leaves a hole that `popFirst` skips.
/// Appending and taking cost O(1), so a queue thousands long stays cheap.
struct WaitingQueue {
    private var slots: [NativeTransfer?] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ transfer: NativeTransfer) {
        slots.append(transfer)
        count += 1
    }

    /// Puts `transfer` first: it is being sent again.
    mutating func prepend(_ transfer: NativeTransfer) {
        if head > 0 {
            head -= 1
            slots[head] = transfer
        } else {
            slots.insert(transfer, at: 0)
        }
        count += 1
    }

    mutating func popFirst() -> NativeTransfer? {
        while head < slots.count {
            let transfer = slots[head]
            slots[head] = nil
            head += 1
            if let transfer {
                count -= 1
                compact()
                return transfer
            }
        }
        return nil
    }

    /// Takes `transfer` out wherever it is.
    mutating func remove(_ transfer: NativeTransfer) {
        guard let index = slots[head...].firstIndex(where: { $0 === transfer }) else { return }
        slots[index] = nil
        count -= 1
        compact()
    }

    /// Drops the taken slots once they are most of the array.
    private mutating func compact() {
        if count == 0 {
            slots.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64, head * 2 > slots.count {
            slots.removeFirst(head)
            head = 0
        }
    }
}
