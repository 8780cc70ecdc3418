/// `{% for target in iterable if filter %}body{% else %}otherwise{% endfor %}`.
/// Each iteration runs in a frame of its own (cleared and reused unless a
/// macro defined inside keeps it, and kept for the loop's next run), holding
/// the target, `loop` and what the body sets; `else` runs in the frame around the loop.
final class ForStatement: CompiledStatement {
    let target: CompiledTarget
    let iterable: CompiledExpression
    let filter: CompiledExpression?
    let body: [CompiledStatement]
    let otherwise: [CompiledStatement]
    let loopSlot: Int
    let frameSize: Int
    /// Its place among the template's loops (`Interpreter.takeLoopFrame`).
    let number: Int

    init(
        target: CompiledTarget, iterable: CompiledExpression, filter: CompiledExpression?, body: [CompiledStatement],
        otherwise: [CompiledStatement], loopSlot: Int, frameSize: Int, number: Int
    ) {
        self.target = target
        self.iterable = iterable
        self.filter = filter
        self.body = body
        self.otherwise = otherwise
        self.loopSlot = loopSlot
        self.frameSize = frameSize
        self.number = number
    }

    override func execute(_ interpreter: Interpreter) throws(TemplateError) -> Interpreter.Flow {
        let iterated = try iterable.read(interpreter)
        var items: LoopItems
        if case .request(let list) = iterated, !list.isDict {
            items = .request(list)
        } else {
            items = .values(try interpreter.iterate(iterated))
        }
        let outer = interpreter.frame
        var frame = interpreter.takeLoopFrame(number, parent: outer, size: frameSize)
        defer {
            interpreter.frame = outer
            interpreter.keepLoopFrame(frame, number)
        }
        var isFresh = true
        func nextFrame() -> Frame {
            if isFresh {
                isFresh = false
            } else if frame.isCaptured {
                frame = Frame(parent: outer, size: frameSize)
            } else {
                frame.clear()
            }
            return frame
        }
        if let filter {
            var kept: [Value] = []
            for position in 0..<items.count {
                let item = items[position]
                interpreter.frame = nextFrame()
                try interpreter.assign(target, item)
                if isTruthy(try filter.evaluate(interpreter)) { kept.append(item) }
            }
            items = .values(kept)
        }
        let loop = LoopState(items: items)
        // Also what keeps it alive to the end of the render: `LoopReference` reaches it unretained.
        interpreter.breakCyclesAtTheEnd(loop)
        for offset in 0..<items.count {
            interpreter.frame = nextFrame()
            loop.index0 = offset
            interpreter.frame.set(loopSlot, .loop(LoopReference(loop)))
            try interpreter.assign(target, items[offset])
            if try interpreter.execute(body) == .breakLoop { break }
        }
        interpreter.frame = outer
        if items.isEmpty { return try interpreter.execute(otherwise) }
        return .normal
    }
}
