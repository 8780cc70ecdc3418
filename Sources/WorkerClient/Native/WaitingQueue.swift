/// Requests waiting for a connection to their worker, first come first
/// served; one that stops waiting leaves a hole that `popFirst` skips.
/// Appending and taking cost O(1), so a queue thousands long stays cheap.
struct WaitingQueue<Element: AnyObject> {
    private var slots: [Element?] = []
    private var head = 0
    private(set) var count = 0

    mutating func append(_ element: Element) {
        slots.append(element)
        count += 1
    }

    /// Puts `element` first: it was served, and is being sent again.
    mutating func prepend(_ element: Element) {
        if head > 0 {
            head -= 1
            slots[head] = element
        } else {
            slots.insert(element, at: 0)
        }
        count += 1
    }

    mutating func popFirst() -> Element? {
        while head < slots.count {
            let element = slots[head]
            slots[head] = nil
            head += 1
            if let element {
                count -= 1
                compact()
                return element
            }
        }
        return nil
    }

    /// Takes `element` out wherever it is.
    mutating func remove(_ element: Element) {
        guard let index = slots[head...].firstIndex(where: { $0 === element }) else { return }
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
