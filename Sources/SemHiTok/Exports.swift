// `import SemHiTok` brings in the whole library: each layer is a target of its own so that
// the compiler enforces the layering, and this module is what a user imports.
@_exported import SemHiTokSupport
@_exported import SemHiTokImageCodecs
@_exported import SemHiTokFormats
@_exported import SemHiTokCompute
@_exported import SemHiTokPreprocessing
@_exported import SemHiTokQuantization
@_exported import SemHiTokModel
@_exported import SemHiTokConformance
@_exported import SemHiTokSafetensors
@_exported import SemHiTokConvert
@_exported import SemHiTokQuality
@_exported import SemHiTokDatasets
