module sentiment

go 1.26.8

require (
	github.com/hack-pad/safejs v0.1.0
	github.com/nlpodyssey/gopickle v0.2.0
	github.com/nlpodyssey/spago v1.1.0
	golang.org/x/image v0.48.0
	golang.org/x/net v0.63.0
	google.golang.org/protobuf v1.36.12
)

require github.com/google/flatbuffers v23.5.26+incompatible // indirect
