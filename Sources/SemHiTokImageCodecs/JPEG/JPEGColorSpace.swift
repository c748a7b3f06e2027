/// What a frame's components hold, decided as libjpeg decides it from the component count,
/// the JFIF and Adobe markers and the component identifiers (Spec/jpeg.md section 7).
enum JPEGColorSpace: Equatable {
    case grey, yCbCr, rgb, cmyk, ycck

    /// The colour space of a frame of `componentIdentifiers.count` components (1, 3 or 4)
    /// after `application` was read. Three components: a JFIF marker means YCbCr; else an
    /// Adobe marker decides (transform 0 is RGB, any other value YCbCr); else, in a lossless
    /// frame, RGB; else identifiers 'R', 'G', 'B' mean RGB, any others YCbCr. Four
    /// components: an Adobe marker with transform 0 means CMYK, with any other transform
    /// YCCK; without one, CMYK (JFIF plays no part).
    static func of(componentIdentifiers: [UInt8], application: JPEGApplicationSegments,
                   isLossless: Bool = false) -> JPEGColorSpace {
        switch componentIdentifiers.count {
        case 1:
            return .grey
        case 4:
            guard let transform = application.adobeTransform else { return .cmyk }
            return transform == 0 ? .cmyk : .ycck
        default:
            if application.sawJFIF { return .yCbCr }
            if let transform = application.adobeTransform { return transform == 0 ? .rgb : .yCbCr }
            return isLossless || componentIdentifiers == Array("RGB".utf8) ? .rgb : .yCbCr
        }
    }
}
