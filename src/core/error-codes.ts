/**
 * Every error code the engine can report, with what it means. The README's error table is
 * generated from this list, so a code that is not here does not exist. Add new codes in the
 * section of their area.
 */
export const ERROR_CODES = {
  // Pipeline definitions (reported by `enigma validate` and at start-up, all at once).
  PIPELINE_FILE_UNREADABLE: 'The pipeline file cannot be read.',
  PIPELINE_YAML_SYNTAX: 'The pipeline file is not valid YAML.',
  PIPELINE_INVALID_DEFINITION: 'The pipeline does not have the shape { id, steps: [{ id, op, from, params }] }.',
  PIPELINE_INVALID_STEP_ID: 'A step id is empty, has a dot or characters other than letters, digits, - and _.',
  PIPELINE_DUPLICATE_STEP: 'Two steps have the same id.',
  PIPELINE_UNKNOWN_OPERATOR: 'A step names an operator that is not in the registry.',
  PIPELINE_UNKNOWN_STEP: "A step's `from` names a step that does not exist.",
  PIPELINE_BAD_INPUTS: 'A step has the wrong number of inputs for its operator (a source with `from`, a transform without).',
  PIPELINE_CYCLE: 'Steps feed each other in a loop.',
  PIPELINE_BAD_PARAMS: "A step's params have a wrong type, a value out of range, or an unknown name.",
  PIPELINE_BAD_EXPRESSION: 'An expression does not parse or names a field its input does not have.',
  PIPELINE_TYPE_MISMATCH: 'A step reads a kind of message its operator does not accept.',
  PIPELINE_NO_SOURCE: 'The pipeline has no source step, so nothing would flow.',
  PIPELINE_MODULE_FAILED: 'A user operator module named in the pipeline cannot be loaded or exports no operators.',
  PIPELINE_DUPLICATE_OPERATOR: 'An operator is registered twice under the same name.',
  PIPELINE_NO_FEATURE_ENGINE: 'The pipeline has feature steps but no feature engine was given to the runtime.',

  // Running steps (each lands in the dead-letter stream with the message; the pipeline keeps running).
  STEP_FAILED: 'A step threw while processing a message.',
  SINK_FAILED: 'A sink could not write a message.',
  SOURCE_FAILED: 'A source stopped with an error (file missing, connection lost); the pipeline ends.',

  // Edges: input files (rows are rejected one by one, the rest goes on).
  INPUT_BAD_ROW: 'A row of an input file has the wrong number of fields or an unparsable value.',
  INPUT_NOT_FINITE: 'A number in the input is NaN or infinite.',
  INPUT_NEGATIVE_SIZE: 'A size or quantity in the input is negative (or zero where a trade needs one).',
  INPUT_TIME_BACKWARDS: 'A message is older than the previous one for the same instrument.',
  INPUT_UNKNOWN_SYMBOL: 'A message names an instrument whose contract is not known.',
  INPUT_BAD_HEADER: 'An input file does not start with the expected header.',

  // Command line.
  CLI_USAGE: 'The command line is wrong; `enigma --help` shows the usage.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
