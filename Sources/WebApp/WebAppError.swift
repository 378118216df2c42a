/// What can stop the web application from starting.
public enum WebAppError: Error, Sendable, CustomStringConvertible {
    case resourceMissing(String)
    case badTranslationFile(String)
    case badTemplate(String)

    public var description: String {
        switch self {
        case .resourceMissing(let path): "The web application's resource \(path) is missing"
        case .badTranslationFile(let path): "\(path) is not a JSON object of strings"
        case .badTemplate(let detail): "A page template does not parse: \(detail)"
        }
    }
}
