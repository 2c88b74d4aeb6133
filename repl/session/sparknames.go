package session

// sparkOnly answers Spark names that have no Go counterpart of a similar
// spelling with the name to use instead.
var sparkOnly = map[string]string{
	"SaveAsHadoopFiles":       parquetHint,
	"saveAsHadoopFiles":       parquetHint,
	"SaveAsNewAPIHadoopFiles": parquetHint,
	"saveAsNewAPIHadoopFiles": parquetHint,
	"SaveAsHadoopFile":        "did you mean SaveAsParquetFile? Go has no Hadoop OutputFormat; Parquet is the format Hadoop tools read",
}

const parquetHint = "did you mean SaveAsParquetFiles? Go has no Hadoop OutputFormat; Parquet is the format Hadoop tools read"
