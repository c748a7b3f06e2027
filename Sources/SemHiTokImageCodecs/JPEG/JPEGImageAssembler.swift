/// Builds the RGB image from the components' decoded samples, row by row: each component
/// upsampled to full resolution (`JPEGUpsampler`), then converted (`JPEGColorConverter`,
/// `JPEGInkConversion`) (Spec/jpeg.md sections 6 and 7).
enum JPEGImageAssembler {
    /// The `frame.width` x `frame.height` RGB image from the components' `planes`;
    /// `colorSpace` says what the components hold.
    static func assemble(_ frame: JPEGFrame, planes: JPEGSamplePlanes, colorSpace: JPEGColorSpace) -> RGBImage {
        let width = frame.width
        let height = frame.height
        let upsamplers = frame.components.enumerated().map { index, component in
            JPEGUpsampler(
                method: JPEGUpsampler.method(horizontalRatio: frame.maximumHorizontalSampling / component.horizontalSampling,
                                             verticalRatio: frame.maximumVerticalSampling / component.verticalSampling,
                                             width: component.width, fancy: !frame.isLossless),
                plane: UnsafePointer(planes.plane(index)), stride: planes.strides[index],
                width: component.width, height: component.height)
        }
        // Each upsampled row holds up to twice its component's width, which can pass the
        // image width by one.
        let rowCapacity = 2 * (frame.components.map(\.width).max() ?? width) + 2
        let rows = UnsafeMutablePointer<UInt8>.allocate(capacity: upsamplers.count * rowCapacity)
        defer { rows.deallocate() }
        // Every pixel is written below, so the buffer needs no zeroing first.
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { output, initialized in
            initialized = width * height * 3
            JPEGColorConverter.tables.withUnsafeBufferPointer { tableBuffer in
                guard let tables = tableBuffer.baseAddress, let outputBase = output.baseAddress else { return }
                for y in 0..<height {
                    let target = outputBase + 3 * width * y
                    let first = upsamplers[0].row(y, buffer: rows)
                    if colorSpace == .grey {
                        JPEGColorConverter.replicateGrey(first, width: width, into: target)
                        continue
                    }
                    let second = upsamplers[1].row(y, buffer: rows + rowCapacity)
                    let third = upsamplers[2].row(y, buffer: rows + 2 * rowCapacity)
                    switch colorSpace {
                    case .rgb:
                        JPEGColorConverter.interleave(first, second, third, width: width, into: target)
                    case .cmyk:
                        let fourth = upsamplers[3].row(y, buffer: rows + 3 * rowCapacity)
                        JPEGInkConversion.convertCMYK(first, second, third, fourth, width: width, into: target)
                    case .ycck:
                        let fourth = upsamplers[3].row(y, buffer: rows + 3 * rowCapacity)
                        JPEGInkConversion.convertYCCK(first, second, third, fourth, width: width, tables: tables, into: target)
                    case .yCbCr, .grey:
                        JPEGColorConverter.convertYCbCr(first, second, third, width: width, tables: tables, into: target)
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
