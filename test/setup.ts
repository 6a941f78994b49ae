// Same global TensorFlow.js mode as the library's initBackend: no "install tfjs-node"
// banner in test files that use the default cpu backend without initBackend.
import * as tf from '@tensorflow/tfjs';

tf.enableProdMode();
