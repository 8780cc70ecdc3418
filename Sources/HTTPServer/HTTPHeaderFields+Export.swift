// The header type is shared with the worker client (a proxy copies fields
// from one to the other as bytes); users of the server see it from here.
@_exported import HTTPHeaderFields
